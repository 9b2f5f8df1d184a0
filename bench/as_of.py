"""Time travel: `asOf` reads, computed from the event store, beside the live ranking read, in
the same run on the same workspace of 10,000 items across 20 objectives (bench.common.seed).

After the seeding the multipliers are recalibrated, 500 items are rescored (a moment noted
after every 25: 20 distinct moments) and one item gets a long history (300 scorings), so the
states asked differ from today's. Figures (sequential requests over HTTP, p50/p99 in ms):
- live ranking: `ranking(objectiveId, first: 50)` from the read tables;
- ranking as of, cold: the same ranking `asOf` one of the 20 moments in turn (the process keeps
  only the last 2 replays, so each request replays the whole workspace from the event store),
  and the product-level ranking likewise;
- ranking as of, warm: at the end of the seeding, every request (as paging does): replayed
  once, then ranked from the process's replay;
- item as of: `backlogItem(id, asOf)` with its tags and their objectives, a random item;
- long item as of: the same for the item with 300+ events, as of now.

Run: .venv/bin/python -m bench.as_of [--items 10000] [--requests 30] [--quick]
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg

from bench.arguments import arguments
from bench.common import (
    WORKSPACE,
    Database,
    admin_token,
    okrank_server,
    pct,
    seed,
    wait_projected,
)
from okrank.api.graphql.ids import to_global_id
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import ScoreBacklogItem
from okrank.domain.rankings.scoring import Multipliers, RiceInputs
from okrank.domain.workspaces.commands import RecalibrateMultipliers
from okrank.projections.engine.runner import event_store_env, rebuild

RANKING = """query($o: ID, $asOf: DateTime) { ranking(objectiveId: $o, first: 50, asOf: $asOf)
  { totalCount edges { node { rank priority tier backlogItem { id title } } } } }"""
ITEM = """query($id: ID!, $asOf: DateTime) { backlogItem(id: $id, asOf: $asOf) { id title
  riceScore version tags { tier taggedAt objective { id status } } eligible } }"""
LONG_HISTORY = 300


def changes_after(db: Database, items: list[Any]) -> list[str]:
    """What happens after the moment: a recalibration, 500 rescored items, one long history.
    Returns a moment after every 25 rescorings: 20 distinct moments to replay cold."""
    app = OkrankApplication(env=event_store_env(db.url))
    actor = Actor(WORKSPACE, "later")
    moments = []
    try:
        app.execute(actor, RecalibrateMultipliers(Multipliers(3, 1.5, 0.25), "after the moment"))
        for n, item in enumerate(items[:500]):
            app.execute(actor, ScoreBacklogItem(item, rice=RiceInputs(n + 1, 1, 1, 1)))
            if n % 25 == 24:
                moments.append(datetime.now(UTC).isoformat())
        for n in range(LONG_HISTORY):
            app.execute(actor, ScoreBacklogItem(items[-1], rice=RiceInputs(n + 1, 1, 1, 1)))
    finally:
        app.close()
    return moments


def wait_chained(db: Database, timeout: float = 1800) -> None:
    """Until the audit chain (where moments are found) has chained the last event."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(db.url, autocommit=True) as conn:
        last = conn.execute("SELECT max(notification_id) FROM okrank_events").fetchone()[0]
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT notification_id FROM audit_chain_tracking WHERE application_name = 'okrank'"
            ).fetchone()
            if row and row[0] >= last:
                return
            time.sleep(0.2)
    raise RuntimeError("the audit chain did not catch up")


def timed(http: httpx.Client, query: str, variables: list[dict[str, Any]]) -> dict[str, float]:
    """Sequential requests, one per set of variables: p50/p99 in ms."""
    latencies, failed = [], []
    for v in variables:
        start = time.perf_counter()
        response = http.post("/graphql", json={"query": query, "variables": v})
        latencies.append((time.perf_counter() - start) * 1000)
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            failed.append(body.get("errors"))
    if failed:
        print(f"{len(failed)} of {len(latencies)} failed, the first: {failed[0]}")
    return {
        "requests": len(latencies),
        "failed": len(failed),
        "p50_ms": pct(latencies, 0.5),
        "p99_ms": pct(latencies, 0.99),
    }


def main() -> None:
    args = arguments(
        __doc__,
        {"items": 1000, "requests": 10},
        {"requests": "per figure"},
        items=10_000,
        objectives=20,
        requests=30,
    )
    rng = random.Random(7)
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "objectives": args.objectives}
    try:
        seeded = seed(db, args.items, args.objectives)
        moment = datetime.now(UTC).isoformat()
        time.sleep(0.01)  # the changes below are stamped after the moment
        moments = changes_after(db, seeded.items)
        rebuild(db.url)
        okrank = okrank_server(db)
        try:
            wait_projected(db)
            wait_chained(db)
            now = datetime.now(UTC).isoformat()
            objectives = [to_global_id("Objective", o) for o in seeded.objectives]
            items = [to_global_id("BacklogItem", i) for i in seeded.items]
            headers = {"Authorization": f"Bearer {admin_token()}"}
            with httpx.Client(base_url=okrank.url, headers=headers, timeout=120) as http:
                n = args.requests
                ranked = [{"o": rng.choice(objectives)} for _ in range(n)]
                timed(http, RANKING, ranked[:3])  # warm the connection and the caches
                figures["live_ranking"] = timed(http, RANKING, ranked)
                cold = [{**v, "asOf": moments[k % len(moments)]} for k, v in enumerate(ranked)]
                figures["ranking_as_of_cold"] = timed(http, RANKING, cold)
                figures["product_ranking_as_of_cold"] = timed(
                    http, RANKING, [{"o": None, "asOf": m} for m in moments]
                )
                at_moment = [{**v, "asOf": moment} for v in ranked]
                figures["ranking_as_of_warm"] = timed(http, RANKING, at_moment)
                picked = [{"id": rng.choice(items), "asOf": moment} for _ in range(n * 10)]
                figures["item_as_of"] = timed(http, ITEM, picked)
                long = [{"id": items[-1], "asOf": now}] * (n * 10)
                figures["long_item_as_of"] = timed(http, ITEM, long)
                figures["long_item_events"] = LONG_HISTORY + 3
        finally:
            okrank.close()
    finally:
        db.close()
    shown = ("live_ranking", "ranking_as_of_cold", "product_ranking_as_of_cold")
    for name in (*shown, "ranking_as_of_warm", "item_as_of"):
        f = figures[name]
        print(
            f"{name}: p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms"
            f" ({f['requests']} req, {f['failed']} failed)"
        )
    f = figures["long_item_as_of"]
    print(
        f"long_item_as_of ({figures['long_item_events']} events): p50 {f['p50_ms']:.1f} ms,"
        f" p99 {f['p99_ms']:.1f} ms ({f['requests']} req)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
