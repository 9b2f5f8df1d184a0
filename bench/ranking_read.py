"""Read path: `ranking(objectiveId, first: 50)` through HTTP on a workspace of 10,000 items
across 20 objectives, beside the floor of a minimal Starlette + asyncpg endpoint returning the
same 50 rows as JSON, measured in the same run with the same load loop.

Run: .venv/bin/python -m bench.ranking_read [--items 10000] [--seconds 10] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from api.ids import to_global_id
from bench.common import (
    SECRET,
    WORKSPACE,
    Database,
    Server,
    admin_token,
    load,
    okrank_server,
    seed,
    wait_projected,
)
from projections.runner import rebuild

QUERY = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank baseScore multiplier tier priority eligible backlogItem { id title } } } } }"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--objectives", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="1,000 items, 3 s per figure")
    args = parser.parse_args()
    if args.quick:
        args.items, args.seconds = 1000, 3.0
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "objectives": args.objectives}
    try:
        seeded = seed(db, args.items, args.objectives)
        rebuild(db.url)
        okrank = okrank_server(db)
        floor = Server(
            "bench.floor_app:create_app", {"OKRANK_DATABASE_URL": db.url, "OKRANK_SECRET": SECRET}
        )
        try:
            wait_projected(db)
            gids = [to_global_id("Objective", o) for o in seeded.objectives]
            raw = [str(o) for o in seeded.objectives]
            headers = {"Authorization": f"Bearer {admin_token()}"}

            def graphql(n: int) -> tuple[str, dict[str, Any]]:
                return "/graphql", {"query": QUERY, "variables": {"o": gids[n % len(gids)]}}

            def plain(n: int) -> tuple[str, dict[str, Any]]:
                return "/ranking", {"workspace": WORKSPACE, "objectiveId": raw[n % len(raw)]}

            def check_graphql(response: Any) -> None:
                edges = response.json()["data"]["ranking"]["edges"]
                assert len(edges) == 50, len(edges)

            def check_plain(response: Any) -> None:
                assert len(response.json()) == 50

            for concurrency in (1, 8):
                figures[f"floor_c{concurrency}"] = asyncio.run(
                    load(floor.url, plain, concurrency, args.seconds, None, check_plain)
                )
                figures[f"okrank_c{concurrency}"] = asyncio.run(
                    load(okrank.url, graphql, concurrency, args.seconds, headers, check_graphql)
                )
        finally:
            floor.close()
            okrank.close()
    finally:
        db.close()
    for c in (1, 8):
        f, o = figures[f"floor_c{c}"], figures[f"okrank_c{c}"]
        figures[f"ratio_c{c}"] = o["rps"] / f["rps"]
        print(
            f"{c} client(s): okrank {o['rps']:,.0f} req/s (p50 {o['p50_ms']:.1f} ms, "
            f"p99 {o['p99_ms']:.1f} ms) | floor {f['rps']:,.0f} req/s (p50 {f['p50_ms']:.1f} "
            f"ms, p99 {f['p99_ms']:.1f} ms) | okrank/floor {o['rps'] / f['rps']:.0%}"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
