"""Mass status changes: the catalog projection catching up with 10,000 items archived in one
transaction (a quarterly review's `resetBacklog`: one `BacklogItem.StatusChanged` each), from
the commit until the rankings show none of them, with the projections running and caught up
beforehand (in this process, as `okrank serve` runs them).

Beside it, in the same run and alternating: the same reset applied by the code before
(`catalog.backlog.HOLD_STORED_ITEMS = False`: one SQL recompute and outbox write per event);
and, at the end, a rebuild of the whole log (events/s, and what the reset's events take at
that rate). Between rounds the items go back to CANDIDATE (projected, timed too).

Run: .venv/bin/python -m bench.reset_catch_up [--items 10000] [--rounds 1] [--quick]
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import psycopg

from bench.arguments import arguments
from bench.common import Database, seed, wait_projected
from okrank.domain.application import OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.projections.catalog import backlog
from okrank.projections.engine.runner import VIEWS, Projections, event_store_env, rebuild

# The reset's one transaction of 10,000 aggregates, saved while the projections (this process's
# threads) catch up with the last one: more than the library's 5 s between two statements.
SLOW_SAVE = {"POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "600"}


def set_statuses(app: OkrankApplication, items: list[Any], status: ItemStatus) -> int:
    """Every item to `status`, saved in one transaction (as resetBacklog saves its items)."""
    for i in items:
        i.change_status(status, "quarterly reset", "bench")
    app.save(*items)
    return len(items)


def caught_up(db: Database, last: int, views: tuple[str, ...], timeout: float = 1800) -> None:
    """Until each of `views` has applied the event at `last` (polled every 20 ms)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(db.url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            rows = [
                conn.execute(
                    f"SELECT notification_id FROM {view}_tracking WHERE application_name = 'okrank'"
                ).fetchone()
                for view in views
            ]
            if all(row and row[0] >= last for row in rows):
                return
            time.sleep(0.02)
    raise RuntimeError("the views did not catch up")


def timed_reset(
    db: Database, app: OkrankApplication, items: list[Any], status: ItemStatus, held: bool
) -> float:
    """Seconds from the reset's commit until the catalog has applied it."""
    backlog.HOLD_STORED_ITEMS = held  # read by the projection's thread at each event
    try:
        set_statuses(app, items, status)
        began = time.perf_counter()
        last = app.recorder.max_notification_id() or 0
        caught_up(db, last, ("catalog",))
        seconds = time.perf_counter() - began
        caught_up(db, last, tuple(v.view_name for _, v in VIEWS))  # all idle before the next
        return seconds
    finally:
        backlog.HOLD_STORED_ITEMS = True


def ranked(db: Database) -> int:
    with psycopg.connect(db.url) as conn:
        return conn.execute("SELECT count(DISTINCT item_id) FROM ranking_entries").fetchone()[0]


def main() -> None:
    args = arguments(__doc__, {"items": 1000}, items=10_000, rounds=1)
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "load_before": os.getloadavg()[0]}
    runs: dict[str, list[float]] = {"held": [], "one_by_one": [], "restore": []}
    try:
        seeded = seed(db, args.items, team="bench")
        rebuild(db.url)
        app = OkrankApplication(env={**event_store_env(db.url), **SLOW_SAVE})
        projections = Projections(db.url)
        projections.start()
        try:
            wait_projected(db)
            items = [app.repository.get(i) for i in seeded.items]
            for n in range(args.rounds):
                modes = (True, False) if n % 2 == 0 else (False, True)
                for held in modes:
                    seconds = timed_reset(db, app, items, ItemStatus.ARCHIVED, held)
                    assert ranked(db) == 0, "an archived item is still ranked"
                    runs["held" if held else "one_by_one"].append(seconds)
                    print(f"round {n + 1}: {'held' if held else 'one by one'} {seconds:.1f} s")
                    restore = timed_reset(db, app, items, ItemStatus.CANDIDATE, True)
                    runs["restore"].append(restore)
                    assert ranked(db) == args.items
            events = app.recorder.max_notification_id() or 0
        finally:
            projections.stop()
            app.close()
        began = time.perf_counter()
        replayed = rebuild(db.url)
        rebuild_seconds = time.perf_counter() - began
    finally:
        db.close()
    for name, taken in runs.items():
        figures[f"{name}_s"] = sorted(taken)[len(taken) // 2]
        figures[f"{name}_runs_s"] = taken
    figures["rebuild_events_per_s"] = replayed / rebuild_seconds
    figures["rebuild_log_events"] = events
    figures["reset_at_rebuild_rate_s"] = args.items / figures["rebuild_events_per_s"]
    figures["one_by_one_vs_held"] = figures["one_by_one_s"] / figures["held_s"]
    figures["load_after"] = os.getloadavg()[0]
    print(
        f"{args.items:,} items archived in one transaction, until the rankings show it (median):"
        f" held {figures['held_s']:.1f} s, one by one (the code before) "
        f"{figures['one_by_one_s']:.1f} s ({figures['one_by_one_vs_held']:.1f}×);"
        f" back to CANDIDATE {figures['restore_s']:.1f} s"
    )
    print(
        f"rebuild of the whole log ({events:,} events): {figures['rebuild_events_per_s']:,.0f}"
        f" events/s; the reset's events at that rate: {figures['reset_at_rebuild_rate_s']:.1f} s"
    )
    print(f"load average {figures['load_before']:.1f} → {figures['load_after']:.1f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
