"""Read path: `ranking(objectiveId, first: 50)` through HTTP on a workspace of 10,000 items
across 20 objectives, beside the floor of a minimal Starlette + asyncpg endpoint returning the
same 50 rows as JSON, measured in the same run with the same load loop. The machines are
shared and noisy: each figure's time is split into rounds that alternate floor and okrank, and
the ratio is reported per round (median) as well as over the whole run.

Run: .venv/bin/python -m bench.ranking_read [--items 10000] [--seconds 10] [--rounds 5] [--quick]
"""

from __future__ import annotations

import asyncio
import json
import statistics
from typing import Any

from bench.arguments import read_workspace_arguments
from bench.common import (
    SECRET,
    WORKSPACE,
    Database,
    Server,
    admin_token,
    okrank_server,
    seed,
    summary,
    timed_load,
    wait_projected,
)
from okrank.api.graphql.ids import to_global_id
from okrank.projections.engine.runner import rebuild

QUERY = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank baseScore multiplier tier priority eligible backlogItem { id title } } } } }"""


def main() -> None:
    args = read_workspace_arguments(__doc__, 10.0, "floor/okrank alternations")
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
            per_round = args.seconds / args.rounds

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
                runs: dict[str, list[tuple[list[float], float]]] = {"floor": [], "okrank": []}
                for _ in range(args.rounds):
                    runs["floor"].append(
                        asyncio.run(
                            timed_load(floor.url, plain, concurrency, per_round, None, check_plain)
                        )
                    )
                    runs["okrank"].append(
                        asyncio.run(
                            timed_load(
                                okrank.url, graphql, concurrency, per_round, headers, check_graphql
                            )
                        )
                    )
                for name, rounds in runs.items():
                    figures[f"{name}_c{concurrency}"] = summary(
                        [ms for latencies, _ in rounds for ms in latencies],
                        sum(seconds for _, seconds in rounds),
                    )
                figures[f"round_ratios_c{concurrency}"] = [
                    (len(o) / os_) / (len(f) / fs)
                    for (f, fs), (o, os_) in zip(runs["floor"], runs["okrank"], strict=True)
                ]
        finally:
            floor.close()
            okrank.close()
    finally:
        db.close()
    for c in (1, 8):
        f, o = figures[f"floor_c{c}"], figures[f"okrank_c{c}"]
        figures[f"ratio_c{c}"] = o["rps"] / f["rps"]
        median = statistics.median(figures[f"round_ratios_c{c}"])
        print(
            f"{c} client(s): okrank {o['rps']:,.0f} req/s (p50 {o['p50_ms']:.1f} ms, "
            f"p99 {o['p99_ms']:.1f} ms) | floor {f['rps']:,.0f} req/s (p50 {f['p50_ms']:.1f} "
            f"ms, p99 {f['p99_ms']:.1f} ms) | okrank/floor {o['rps'] / f['rps']:.0%} "
            f"(median of {len(figures[f'round_ratios_c{c}'])} rounds {median:.0%})"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
