"""Backlog import: a 10,000-row Jira-like CSV (RICE inputs, labels, a tag to an objective)
imported by the domain command into a scratch PostgreSQL, then the same file again (nothing
changes), and the time the catalog projection (an `okrank project` process) takes to show it.

Run: .venv/bin/python -m bench.backlog_import [--rows 10000] [--no-projection]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time

from bench.common import Database, Projector, wait_projected
from okrank.domain.application import Actor, OkrankApplication
from okrank.projections.engine.runner import event_store_env

KINDS = ("Story", "Bug", "Task", "Tech Debt", "Spike")


def jira_csv(rows: int, objective: str) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        ["Summary", "Issue key", "Issue Type", "Description", "Labels", "Labels", "Reach",
         "Impact", "Confidence", "Effort", "Objective", "Tier"]
    )  # fmt: skip
    for n in range(rows):
        w.writerow(
            [f"Item {n}: make the thing better", f"BENCH-{n}", KINDS[n % len(KINDS)],
             f"Line one of {n}.\nLine two, with a comma.", f"team-{n % 7}", "bench",
             100 + n, (3, 2, 1, 0.5, 0.25)[n % 5], 0.8, 1 + n % 8,
             objective if n % 2 else "", "INDIRECT" if n % 4 == 1 else ""]
        )  # fmt: skip
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-projection", action="store_true")
    args = parser.parse_args()
    db = Database()
    projector = None
    try:
        app = OkrankApplication(env=event_store_env(db.url))
        actor = Actor(workspace="bench", subject="bench")
        objective = app.create_objective(actor, "2026-Q3", "Grow activation").aggregate_id
        app.add_key_result(actor, objective, "weekly active teams", 100, 150)
        app.activate_objective(actor, objective)
        text = jira_csv(args.rows, str(objective))
        started = time.perf_counter()
        first = app.import_backlog_items(actor, text)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = app.import_backlog_items(actor, text)
        again_s = time.perf_counter() - started
        app.close()
        figures = {
            "rows": args.rows,
            "csv_bytes": len(text.encode()),
            "first_import_s": round(first_s, 2),
            "first_counts": vars(first.counts),
            "reimport_s": round(again_s, 2),
            "reimport_counts": vars(again.counts),
        }
        if not args.no_projection:
            started = time.perf_counter()
            projector = Projector(db)
            wait_projected(db)
            figures["projection_catch_up_s"] = round(time.perf_counter() - started, 2)
        print(json.dumps(figures, indent=2))
    finally:
        if projector is not None:
            projector.close()
        db.close()


if __name__ == "__main__":
    main()
