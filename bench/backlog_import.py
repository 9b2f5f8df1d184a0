"""Backlog import: a 10,000-row Jira-like CSV (RICE inputs, labels, a tag to an objective)
imported by the domain command into a scratch PostgreSQL, then the same file again (nothing
changes), and the time the catalog projection (an `okrank project` process) takes to show it.

Baseline in the same run (`before_*`, unless --no-baseline): the same file into another
workspace through the path before the batched one, the library's composite-array INSERT and a
load of each row's item (two queries a row), alternated with the batched path.

Then end to end (`end_to_end_s`, unless --no-http): the same file to a fresh workspace through
`importBacklogItems` (POST /graphql/import) to an okrank server whose projections already run,
until every item is in the workspace's rankings; with the server's and PostgreSQL's CPU seconds.

Run: .venv/bin/python -m bench.backlog_import [--rows 10000] [--no-projection] [--no-http]
     [--no-baseline]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
from eventsourcing.persistence import InternalError
from eventsourcing.postgres import PostgresApplicationRecorder

from bench.common import (
    WORKSPACE,
    Database,
    Projector,
    admin_token,
    okrank_server,
    wait_projected,
)
from bench.cpu import cpu_seconds
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.rankings.entries import PRODUCT_SCOPE
from okrank.projections.engine.event_store import OkrankApplicationRecorder
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


IMPORT = (
    "mutation($input: ImportBacklogItemsInput!) { importBacklogItems(input: $input) {"
    " __typename ... on ImportBacklogItemsSuccess { created } } }"
)


def ranked_items(db: Database) -> int:
    """How many of the workspace's items are in its product-level RICE ranking."""
    with psycopg.connect(db.url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM ranking_entries WHERE workspace = %s AND method = 'RICE'"
            " AND scope = %s",
            (WORKSPACE, PRODUCT_SCOPE),
        ).fetchone()[0]


def end_to_end(rows: int) -> dict[str, float]:
    """importBacklogItems over HTTP until all `rows` items are ranked; the server's projections
    run from before the clock starts (as in a deployment)."""
    db = Database()
    server = None
    try:
        app = OkrankApplication(env=event_store_env(db.url))
        actor = Actor(workspace=WORKSPACE, subject="bench")
        objective = app.create_objective(actor, "2026-Q3", "Grow activation").aggregate_id
        app.add_key_result(actor, objective, "weekly active teams", 100, 150)
        app.activate_objective(actor, objective)
        app.close()
        server = okrank_server(db)
        wait_projected(db)
        text = jira_csv(rows, str(objective))
        before = cpu_seconds({"server": server.proc.pid})
        started = time.perf_counter()
        response = httpx.post(
            f"{server.url}/graphql/import",
            json={"query": IMPORT, "variables": {"input": {"csv": text}}},
            headers={"Authorization": f"Bearer {admin_token()}"},
            timeout=300,
        )
        answered = time.perf_counter() - started
        body = response.json()
        # Past its wait (60 s) for the read models, the mutation answers with an error although
        # the import is stored: the clock runs on until the items are ranked.
        result = (body.get("data") or {}).get("importBacklogItems")
        if result != {"__typename": "ImportBacklogItemsSuccess", "created": rows}:
            print("importBacklogItems answered:", json.dumps(body)[:300])
        deadline = time.monotonic() + 600
        while ranked_items(db) < rows:
            if time.monotonic() > deadline:
                raise RuntimeError("the imported items did not reach the rankings")
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        after = cpu_seconds({"server": server.proc.pid})
        return {
            "end_to_end_s": round(seconds, 2),
            "mutation_answered_s": round(answered, 2),
            "server_cpu_s": round(after["server"] - before["server"], 2),
            "postgres_cpu_s": round(after["postgres"] - before["postgres"], 2),
        }
    finally:
        if server is not None:
            server.close()
        db.close()


@contextmanager
def path_before(app: OkrankApplication) -> Iterator[None]:
    """The import as it ran before the batched path: each row's item loaded by itself, and the
    events inserted as the library's one array of a composite type."""
    insert = OkrankApplicationRecorder._insert_stored_events
    library = PostgresApplicationRecorder._insert_stored_events
    OkrankApplicationRecorder._insert_stored_events = library  # type: ignore[method-assign]
    app.find_many = lambda idents: {i: a for i in idents if (a := app.find(i)) is not None}  # type: ignore[method-assign]
    try:
        yield
    finally:
        OkrankApplicationRecorder._insert_stored_events = insert  # type: ignore[method-assign]
        del app.find_many


def timed_import(app: OkrankApplication, actor: Actor, text: str) -> tuple[float, Any]:
    started = time.perf_counter()
    result = app.import_backlog_items(actor, text)
    return time.perf_counter() - started, result


def timed_before(app: OkrankApplication, actor: Actor, text: str) -> float | str:
    """The path before's seconds, or how it failed: on a loaded machine the composite array's
    dump outlasts PostgreSQL's idle-in-transaction timeout and the import is refused."""
    started = time.perf_counter()
    try:
        with path_before(app):
            app.import_backlog_items(actor, text)
    except InternalError as exc:
        return f"failed after {time.perf_counter() - started:.1f} s: {str(exc)[:60]}"
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--no-projection", action="store_true")
    parser.add_argument("--no-http", action="store_true", help="no end-to-end figure")
    parser.add_argument("--no-baseline", action="store_true", help="no figure of the path before")
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
        before: dict[str, float | str] = {}
        if not args.no_baseline:  # into a workspace of its own, first (then alternated)
            other = Actor(workspace="bench-before", subject="bench")
            other_objective = app.create_objective(other, "2026-Q3", "Grow").aggregate_id
            app.add_key_result(other, other_objective, "weekly active teams", 100, 150)
            app.activate_objective(other, other_objective)
            other_text = jira_csv(args.rows, str(other_objective))
            before["before_first_import_s"] = timed_before(app, other, other_text)
        first_s, first = timed_import(app, actor, text)
        if not args.no_baseline:
            before["before_reimport_s"] = timed_before(app, other, other_text)
        again_s, again = timed_import(app, actor, text)
        app.close()
        figures = {
            "rows": args.rows,
            "csv_bytes": len(text.encode()),
            "first_import_s": round(first_s, 2),
            "first_counts": vars(first.counts),
            "reimport_s": round(again_s, 2),
            "reimport_counts": vars(again.counts),
            **before,
            "load_average": round(os.getloadavg()[0], 1),
        }
        if not args.no_projection:
            started = time.perf_counter()
            projector = Projector(db)
            wait_projected(db)
            figures["projection_catch_up_s"] = round(time.perf_counter() - started, 2)
            # The process's own CPU (start-up included), not PostgreSQL's.
            figures["projector_cpu_s"] = round(
                cpu_seconds({"projector": projector.proc.pid})["projector"], 2
            )
    finally:
        if projector is not None:
            projector.close()
            projector = None
        db.close()
    print(json.dumps(figures, indent=2))
    if not args.no_http:
        print(json.dumps(end_to_end(args.rows), indent=2))


if __name__ == "__main__":
    main()
