"""The OKR loop through HTTP: `checkInKeyResult` (each answers once queries can see it), a page of
20 objectives with their grades, hygiene warnings and key results' latest check-ins, and a
team's cycle (attainment and warnings), beside the ranking page `ranking(objectiveId, first:
50)` measured in the same run on the same workspace (items tagged across 20 objectives).

Run: .venv/bin/python -m bench.okr_loop [--items 2000] [--seconds 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random

from bench.common import Database, admin_token, load, okrank_server, seed, wait_projected
from okrank.api.graphql.ids import to_global_id

CHECK_IN = (
    "mutation($k: ID!, $v: Float!) { checkInKeyResult(input: {keyResultId: $k, value: $v,"
    " confidence: 0.7}) { __typename } }"
)
OBJECTIVES = """{ objectives(first: 20) { edges { node { id grade hygiene { code message }
  keyResults { currentValue progress grade lastCheckInAt
    checkIns(first: 5) { edges { node { value checkedInAt } } } } } } } }"""
TEAM = """{ team(name: "bench", cycle: "2026-Q3") { attainment hygiene { code }
  objectives { grade } } }"""
RANKING = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank priority backlogItem { id title } } } } }"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("OKRANK_RATE_LIMIT", "0")  # one token measures; no per-token limit
    db = Database()
    server = None
    try:
        seeded = seed(db, args.items)
        server = okrank_server(db)
        wait_projected(db)
        headers = {"Authorization": f"Bearer {admin_token()}"}
        key_results = [to_global_id("KeyResult", k) for k in seeded.key_results.values()]
        objective = to_global_id("Objective", seeded.objectives[0])
        rng = random.Random(3)

        def check_in(n: int) -> tuple[str, dict]:
            variables = {"k": key_results[n % len(key_results)], "v": rng.uniform(0, 120)}
            return "/graphql", {"query": CHECK_IN, "variables": variables}

        def query(text: str, variables: dict | None = None):
            return lambda n: ("/graphql", {"query": text, "variables": variables or {}})

        def ok(response) -> None:
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, body

        figures = {}
        for name, request, clients in [
            ("checkInKeyResult, 1 client", check_in, 1),
            (f"checkInKeyResult, {args.clients} clients", check_in, args.clients),
            ("objectives(first: 20) with grades, hygiene, check-ins", query(OBJECTIVES), 1),
            ("team(name, cycle)", query(TEAM), 1),
            ("ranking(objectiveId, first: 50)", query(RANKING, {"o": objective}), 1),
        ]:
            figures[name] = asyncio.run(
                load(server.url, request, clients, args.seconds, headers, ok)
            )
        print(json.dumps({"items": args.items, "figures": figures}, indent=2))
    finally:
        if server:
            server.close()
        db.close()


if __name__ == "__main__":
    main()
