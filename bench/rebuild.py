"""Projection rebuild speed: events per second replayed into every read model, beside the
baseline of only reading and decoding the same event log (sections of 1,000) in the same run.

Run: .venv/bin/python -m bench.rebuild [--items 10000] [--objectives 20] [--quick]
"""

from __future__ import annotations

import json
import time

from bench.arguments import arguments
from bench.common import Database, seed
from okrank.domain.application import OkrankApplication
from okrank.projections.engine.runner import REBUILD_SECTION, event_store_env, rebuild


def read_and_decode(url: str) -> tuple[int, float, float]:
    """Events read and decoded, seconds taken, and this process's CPU seconds."""
    app = OkrankApplication(env=event_store_env(url))
    try:
        start, count, began, cpu = 0, 0, time.perf_counter(), time.process_time()
        while True:
            notifications = app.recorder.select_notifications(
                start=start, limit=REBUILD_SECTION, inclusive_of_start=False
            )
            if not notifications:
                break
            for n in notifications:
                app.mapper.to_domain_event(n)
            count += len(notifications)
            start = notifications[-1].id
        return count, time.perf_counter() - began, time.process_time() - cpu
    finally:
        app.close()


def main() -> None:
    args = arguments(__doc__, {"items": 1000}, items=10_000, objectives=20)
    db = Database()
    try:
        seeded = seed(db, args.items, args.objectives)
        count, read_seconds, read_cpu = read_and_decode(db.url)
        began, cpu = time.perf_counter(), time.process_time()
        replayed = rebuild(db.url)
        rebuild_seconds = time.perf_counter() - began
        rebuild_cpu = time.process_time() - cpu
    finally:
        db.close()
    figures = {
        "items": args.items,
        "events": seeded.events,
        "read_decode_events_per_s": count / read_seconds,
        "rebuild_events_per_s": replayed / rebuild_seconds,
        "rebuild_seconds": rebuild_seconds,
        # This process's CPU seconds (PostgreSQL's apart): on a shared machine, where wall
        # time depends on the load, the part of the figure that is okrank's own work.
        "read_decode_cpu_s": read_cpu,
        "rebuild_cpu_s": rebuild_cpu,
    }
    figures["rebuild_vs_read_decode"] = (
        figures["rebuild_events_per_s"] / figures["read_decode_events_per_s"]
    )
    print(f"event log: {seeded.events} events ({args.items} items, {args.objectives} objectives)")
    print(f"read + decode only: {figures['read_decode_events_per_s']:,.0f} events/s")
    print(
        f"rebuild of all read models: {figures['rebuild_events_per_s']:,.0f} events/s "
        f"({rebuild_seconds:.1f} s; {figures['rebuild_vs_read_decode']:.1%} of read + decode)"
    )
    print(f"CPU seconds of this process: read + decode {read_cpu:.2f}, rebuild {rebuild_cpu:.2f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
