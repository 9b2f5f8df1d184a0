"""Live projection throughput: how fast the running projections (`okrank project`'s workers,
not a rebuild) work off a backlog of `tagBacklogItem` events, each tag moving ranks and writing
the ranking-change outbox. The baseline, in the same run on an identical second database, is
the same runner limited to one event per transaction (as before batching).

Run: .venv/bin/python -m bench.projection_live [--events 2000] [--items 3000] [--quick]
"""

from __future__ import annotations

import json
import time

from bench.arguments import arguments
from bench.common import WORKSPACE, Database, seed, wait_projected
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.rankings.scoring import Tier
from okrank.projections.engine import view
from okrank.projections.engine.runner import Projections, event_store_env, rebuild


def backlog_then_project(events: int, items: int, batch_limit: int) -> dict[str, float]:
    db = Database()
    try:
        seeded = seed(db, items, objectives=20, tagged=False)
        rebuild(db.url)  # the read models are up to date; then events pile up unprojected
        app = OkrankApplication(env=event_store_env(db.url))
        try:
            actor = Actor(WORKSPACE, "bench")
            for n in range(events):
                app.tag_backlog_item(
                    actor, seeded.items[n], seeded.objectives[n % 20], Tier.DIRECT, "bench"
                )
        finally:
            app.close()
        view.MAX_BATCH = batch_limit
        began_cpu, began = time.process_time(), time.perf_counter()
        projections = Projections(db.url)
        projections.start()
        try:
            wait_projected(db, timeout=900)
            seconds = time.perf_counter() - began
            cpu = time.process_time() - began_cpu
        finally:
            projections.stop()
        return {"events_per_s": events / seconds, "cpu_ms_per_event": cpu / events * 1000}
    finally:
        view.MAX_BATCH = view.DEFAULT_MAX_BATCH
        db.close()


def main() -> None:
    args = arguments(
        __doc__,
        {"events": 500, "items": 1000},
        events=2000,
        items=3000,
    )
    figures: dict[str, object] = {"events": args.events, "items": args.items}
    figures["one_per_transaction"] = backlog_then_project(args.events, args.items, 1)
    figures["batched"] = backlog_then_project(args.events, args.items, view.DEFAULT_MAX_BATCH)
    for name in ("one_per_transaction", "batched"):
        f = figures[name]
        print(
            f"live projections, {name.replace('_', ' ')}: {f['events_per_s']:,.0f} events/s "  # type: ignore[index]
            f"({f['cpu_ms_per_event']:.2f} ms CPU per event, both views)"  # type: ignore[index]
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
