"""Write path with a view left behind: `scoreBacklogItem` through HTTP (API and projections in
one process) after 10,000 score events that the tag-history view does not handle.

Score events are the catalog's only: a view whose tracking position stayed at its last tag
event polls `notification_id > <position>` over every score event since, on every write. The
bench prints the mutation rate and CPU per mutation at 1 and 8 clients, then where the
tag-history view's recorded position is against the log's head, and the buffers its next poll
reads from there (EXPLAIN (ANALYZE, BUFFERS) of the subscription's query).

Run: .venv/bin/python -m bench.score_write [--seconds 10] [--backlog 10000] [--quick]
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import Any

import psycopg

from bench.arguments import arguments
from bench.common import (
    SAVE_BATCH,
    WORKSPACE,
    Database,
    admin_token,
    load,
    okrank_server,
    seed,
    wait_projected,
)
from bench.cpu import cpu_seconds
from okrank.api.graphql.ids import to_global_id
from okrank.domain.application import OkrankApplication
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.rankings.scoring import RiceInputs
from okrank.projections.engine.runner import event_store_env, rebuild
from okrank.projections.history.tag_history import TagHistoryProjection

SCORE = (
    "mutation($i: ID!, $r: Float!) { scoreBacklogItem(input: {backlogItemId: $i,"
    " rice: {reach: $r, impact: 1, confidence: 0.8, effort: 2}}) { __typename } }"
)


def score_backlog(url: str, items: list[Any], events: int, rng: random.Random) -> None:
    """`events` RiceScored events, saved straight through the application (no projection)."""
    app = OkrankApplication(env=event_store_env(url))
    try:
        done = 0
        while done < events:
            batch = []
            for item_id in items[: min(SAVE_BATCH, events - done)]:
                item = app.repository.get(item_id)
                assert isinstance(item, BacklogItem)
                item.score(RiceInputs(rng.randint(1, 5000), 1, 0.8, 2), None, "bench")
                batch.append(item)
            app.save(*batch)
            done += len(batch)
            items = items[len(batch) :] + items[: len(batch)]
    finally:
        app.close()


def tag_view_poll(url: str) -> dict[str, Any]:
    """The tag-history view's recorded position, the log's head, and the buffers the view's
    subscription query reads from that position."""
    with psycopg.connect(url, autocommit=True) as conn:
        head = conn.execute("SELECT max(notification_id) FROM okrank_events").fetchone()[0]
        position = conn.execute(
            "SELECT notification_id FROM tag_history_tracking WHERE application_name = 'okrank'"
        ).fetchone()[0]
        topics = list(TagHistoryProjection.topics)
        where = " AND topic = ANY(%s)" if topics else ""
        plan = conn.execute(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM okrank_events"
            f" WHERE notification_id > %s{where} ORDER BY notification_id LIMIT 500",
            (position, topics) if topics else (position,),
        ).fetchone()[0][0]
        buffers = plan["Plan"]["Shared Hit Blocks"] + plan["Plan"]["Shared Read Blocks"]
    return {"head": head, "tag_view_position": position, "poll_buffers": buffers}


def main() -> None:
    args = arguments(
        __doc__,
        {"seconds": 3.0, "items": 500, "backlog": 2000},
        {"backlog": "score events before load"},
        seconds=10.0,
        items=2000,
        backlog=10_000,
    )
    os.environ["OKRANK_RATE_LIMIT"] = "0"  # the server inherits it: measure, not throttle
    db = Database()
    figures: dict[str, Any] = {}
    try:
        seeded = seed(db, args.items, objectives=20)
        rebuild(db.url)
        score_backlog(db.url, list(seeded.items), args.backlog, random.Random(7))
        items = [to_global_id("BacklogItem", i) for i in seeded.items]
        headers = {"Authorization": f"Bearer {admin_token()}"}

        def request(n: int) -> tuple[str, dict[str, Any]]:
            return "/graphql", {"query": SCORE, "variables": {"i": items[n % len(items)], "r": n}}

        def check(response: Any) -> None:
            body = response.json()
            assert "data" in body, body
            data = body["data"]["scoreBacklogItem"]
            assert data["__typename"] == "BacklogItemSuccess", data

        server = okrank_server(db)
        try:
            wait_projected(db)
            for clients in (1, 8):
                before = cpu_seconds({"api": server.proc.pid})
                result = asyncio.run(
                    load(server.url, request, clients, args.seconds, headers, check)
                )
                after = cpu_seconds({"api": server.proc.pid})
                result["cpu_ms_per_mutation"] = {
                    k: 1000 * (after[k] - before[k]) / max(1, result["requests"]) for k in after
                }
                figures[f"score_c{clients}"] = result
            wait_projected(db)
            figures["tag_view"] = tag_view_poll(db.url)
        finally:
            server.close()
    finally:
        db.close()
    for clients in (1, 8):
        f = figures[f"score_c{clients}"]
        cpu = f["cpu_ms_per_mutation"]
        print(
            f"scoreBacklogItem over HTTP, {clients} client(s): {f['rps']:,.0f} mutations/s "
            f"(p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms); CPU per mutation: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items() if v > 0)
        )
    t = figures["tag_view"]
    print(
        f"tag-history view at {t['tag_view_position']:,} of {t['head']:,}; its poll from there "
        f"reads {t['poll_buffers']:,} buffers"
    )
    print(json.dumps({**figures, "workspace": WORKSPACE}))


if __name__ == "__main__":
    main()
