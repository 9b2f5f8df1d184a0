"""Write path: `tagBacklogItem` through HTTP (each mutation answers once queries can see it),
sequential and with 8 concurrent clients, beside two PostgreSQL baselines measured in the same
run: a raw INSERT + COMMIT, and the same insert under the event store's ordering pattern
(LOCK TABLE … IN EXCLUSIVE MODE, INSERT, NOTIFY, COMMIT) with 1 and 4 clients. Layouts: API and
projections in one process; apart (`okrank project`); apart with two API worker processes.

Run: .venv/bin/python -m bench.tag_write [--seconds 10] [--items 9000] [--quick]
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import psycopg

from bench.arguments import arguments
from bench.common import (
    Database,
    Projector,
    admin_token,
    load,
    okrank_server,
    seed,
    wait_projected,
)
from bench.cpu import cpu_seconds
from okrank.api.graphql.ids import to_global_id
from okrank.projections.engine.runner import rebuild

TAG = (
    "mutation($i: ID!, $o: ID!) { tagBacklogItem(input: {backlogItemId: $i, objectiveId: $o,"
    ' tier: DIRECT, reason: "bench"}) { __typename } }'
)


LAYOUTS = {
    "one_process": "one process",
    "split": "split",
    "split_2": "split, 2 API workers",
}


def insert_rate(url: str, clients: int, seconds: float, locked: bool) -> float:
    """INSERT + COMMIT per second, optionally under the event store's table lock + NOTIFY."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, body bytea)"
        )
    counts = [0] * clients
    stop_at = time.perf_counter() + seconds

    def run(n: int) -> None:
        with psycopg.connect(url) as conn:
            while time.perf_counter() < stop_at:
                with conn.transaction():
                    if locked:
                        conn.execute("LOCK TABLE bench_insert IN EXCLUSIVE MODE")
                    conn.execute("INSERT INTO bench_insert (body) VALUES (%s)", (b"x" * 200,))
                    if locked:
                        conn.execute("NOTIFY bench_insert")
                counts[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - began)


def main() -> None:
    args = arguments(
        __doc__,
        {"seconds": 3.0, "items": 2000},
        {"items": "untagged items to tag"},
        seconds=10.0,
        items=9000,
    )
    db = Database()
    figures: dict[str, Any] = {}
    try:
        seeded = seed(db, args.items, objectives=20, tagged=False)
        rebuild(db.url)
        items = [to_global_id("BacklogItem", i) for i in seeded.items]
        objectives = [to_global_id("Objective", o) for o in seeded.objectives]
        headers = {"Authorization": f"Bearer {admin_token()}"}
        used = [0]

        def request(n: int) -> tuple[str, dict[str, Any]]:
            k = used[0] + n
            if k >= len(items):
                raise RuntimeError("ran out of untagged items: use --items")
            return "/graphql", {
                "query": TAG,
                "variables": {"i": items[k], "o": objectives[k % len(objectives)]},
            }

        def check(response: Any) -> None:
            data = response.json()["data"]["tagBacklogItem"]
            assert data["__typename"] == "BacklogItemSuccess", data

        # All in one process (okrank serve), then the API and the projections apart
        # (okrank serve --no-projections + okrank project), as the README deploys at scale,
        # then the same with two API worker processes (--workers 2).
        for layout in LAYOUTS:
            projector = Projector(db) if layout != "one_process" else None
            server = okrank_server(
                db, projections=projector is None, workers=2 if layout == "split_2" else 1
            )
            try:
                wait_projected(db)
                roots = {"api": server.proc.pid, "projector": projector and projector.proc.pid}
                for clients in (1, 8):
                    before = cpu_seconds(roots)
                    result = asyncio.run(
                        load(server.url, request, clients, args.seconds, headers, check)
                    )
                    after = cpu_seconds(roots)
                    # Where the machine's CPU goes per mutation: the API process(es), the
                    # projections (in the API process for one_process), PostgreSQL, the client.
                    result["cpu_ms_per_mutation"] = {
                        k: 1000 * (after[k] - before[k]) / max(1, result["requests"]) for k in after
                    }
                    used[0] += result["requests"] + clients
                    figures[f"tag_{layout}_c{clients}"] = result
            finally:
                server.close()
                if projector:
                    projector.close()
        figures["raw_insert_1_client_per_s"] = insert_rate(db.url, 1, args.seconds, False)
        figures["locked_insert_1_client_per_s"] = insert_rate(db.url, 1, args.seconds, True)
        figures["locked_insert_4_clients_per_s"] = insert_rate(db.url, 4, args.seconds, True)
    finally:
        db.close()
    locked = figures["locked_insert_1_client_per_s"]
    print(f"raw INSERT+COMMIT, 1 client: {figures['raw_insert_1_client_per_s']:,.0f}/s")
    print(
        f"locked INSERT+NOTIFY+COMMIT: 1 client {locked:,.0f}/s, "
        f"4 clients {figures['locked_insert_4_clients_per_s']:,.0f}/s"
    )
    for layout in LAYOUTS:
        for clients in (1, 8):
            f = figures[f"tag_{layout}_c{clients}"]
            print(
                f"tagBacklogItem over HTTP, {LAYOUTS[layout]}, {clients} client(s): "
                f"{f['rps']:,.0f} mutations/s (p50 {f['p50_ms']:.1f} ms, "
                f"p99 {f['p99_ms']:.1f} ms; {f['rps'] / locked:.0%} of the 1-client locked rate)"
            )
            cpu = f["cpu_ms_per_mutation"]
            print(
                "    CPU per mutation: "
                + ", ".join(f"{k} {v:.1f} ms" for k, v in cpu.items() if v > 0)
                + f"; total {sum(cpu.values()):.1f} ms"
            )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
