"""GraphQL execution alone: the `ranking(objectiveId, first: 50)` page of bench.ranking_read run
in-process through the strawberry schema with its reads stubbed (no HTTP, no database), beside
the same 50 rows turned into the same JSON by hand, in the same run. It says how much of a ranking
request is graphql-core and strawberry walking 50 entries × 9 fields.

Run: .venv/bin/python -m bench.graphql_execution [--runs 500]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.arguments import arguments
from okrank.api.auth import Principal, Role
from okrank.api.graphql import schema as graphql_schema
from okrank.api.graphql.context import Context
from okrank.api.graphql.ids import to_global_id
from okrank.api.rankings import reads

QUERY = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank baseScore multiplier tier priority eligible backlogItem { id title } } } } }"""


def rows(n: int = 51) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    return [
        {
            "base_score": 1.0 + k,
            "multiplier": 2.0,
            "tier": "DIRECT",
            "priority": 2.0 + 2 * k,
            "eligible": True,
            "k_unscored": 0,
            "k_priority": -2.0 - 2 * k,
            "k_base": -1.0 - k,
            "seq": k,
            "id": uuid.uuid4(),
            "title": f"item {k}",
            "description": "",
            "kind": "FEATURE",
            "status": "BACKLOG",
            "reach": 1.0 + k,
            "impact": 1.0,
            "confidence": 1.0,
            "effort": 1.0,
            "rice_score": 1.0 + k,
            "business_value": None,
            "time_criticality": None,
            "risk_reduction": None,
            "job_size": None,
            "wsjf_score": None,
            "justification": "",
            "version": 1,
            "created_at": now,
            "created_by": "bench",
            "updated_at": now,
        }
        for k in range(n)
    ]


class _Found:
    async def load(self, key: Any) -> dict[str, Any]:
        return {"id": key}


class _Loaders:
    objective = _Found()


def by_hand(page: list[dict[str, Any]]) -> str:
    """The floor: the same response built directly from the rows."""
    edges = [
        {
            "node": {
                "rank": n + 1,
                "baseScore": r["base_score"],
                "multiplier": r["multiplier"],
                "tier": r["tier"],
                "priority": r["priority"],
                "eligible": r["eligible"],
                "backlogItem": {"id": to_global_id("BacklogItem", r["id"]), "title": r["title"]},
            }
        }
        for n, r in enumerate(page[:50])
    ]
    return json.dumps({"data": {"ranking": {"edges": edges}}})


async def run(runs: int) -> dict[str, float]:
    page = rows()

    async def ranking_page(*_: Any, **__: Any) -> tuple[int, list[dict[str, Any]]]:
        return 0, page

    reads.ranking_page = ranking_page  # the resolver's only database read
    principal = Principal("bench", "bench", frozenset({Role.ADMIN}), 2**40)
    variables = {"o": to_global_id("Objective", uuid.uuid4())}
    services = type("Services", (), {"pool": None})()

    async def once() -> float:
        ctx = Context(services=services, principal=principal)  # type: ignore[arg-type]
        ctx.__dict__["loaders"] = _Loaders()
        start = time.perf_counter()
        result = await graphql_schema.schema.execute(
            QUERY, variable_values=variables, context_value=ctx
        )
        json.dumps({"data": result.data})
        assert not result.errors, result.errors
        return (time.perf_counter() - start) * 1000

    for _ in range(50):  # warm the parser and validation caches
        await once()
    graphql_ms = [await once() for _ in range(runs)]
    hand_ms = []
    for _ in range(runs):
        start = time.perf_counter()
        by_hand(page)
        hand_ms.append((time.perf_counter() - start) * 1000)
    return {
        "graphql_ms_median": statistics.median(graphql_ms),
        "by_hand_ms_median": statistics.median(hand_ms),
    }


def main() -> None:
    args = arguments(
        __doc__,
        {"runs": 100},
        runs=500,
    )
    figures = asyncio.run(run(args.runs))
    print(
        f"ranking page of 50 entries, in-process: GraphQL execution + JSON "
        f"{figures['graphql_ms_median']:.2f} ms (median); the same JSON built by hand "
        f"{figures['by_hand_ms_median']:.2f} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
