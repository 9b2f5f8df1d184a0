"""Ranking reads at scale: the same pages over 10,000 and over 100,000 items (20 objectives,
so each objective's ranking grows tenfold too), in two databases of one PostgreSQL, each with
its own okrank process, timed in rounds that alternate every probe (the machine is shared).

Probes, each at both sizes: `ranking(objectiveId, first: 50)`; a page of the objective's
ranking `after:` a cursor half-way down it, handed out by a page (its rank travels in the
cursor) and as an old keyset-only cursor (the rank counted: what happens when the catalog moved
since the cursor); the product-level ranking (`ranking(first: 50)`, no objective) and its
pages half-way down (50,000 entries deep at 100,000 items) the same two ways. Prints p50/p99
of each and the 100k/10k ratios, then EXPLAIN (ANALYZE, BUFFERS) of the page statements at
both sizes (shared buffers touched, execution time) with a custom and a generic plan (the one
a cached prepared statement may switch to). The ranking's tables are vacuumed and analyzed
before the servers start, as autovacuum leaves them a few minutes after a rebuild.

Run: .venv/bin/python -m bench.ranking_scale [--seconds 10] [--rounds 5] [--quick]
     [--databases SMALL_URL LARGE_URL]  (seeded before: 10,000 and 100,000 items)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from bench.common import (
    WORKSPACE,
    Database,
    Server,
    admin_token,
    okrank_server,
    seed,
    wait_projected,
)
from bench.rounds import alternating
from okrank.api.backlog.reads import item_columns
from okrank.api.graphql.ids import ranking_cursor, to_global_id
from okrank.api.rankings.cursors import decode_after
from okrank.api.rankings.reads import page_statement
from okrank.domain.rankings.entries import PRODUCT_SCOPE
from okrank.projections.engine.runner import rebuild

ENTRY = "rank baseScore multiplier tier priority eligible backlogItem { id title }"
QUERY = (
    "query($o: ID, $after: String) { ranking(objectiveId: $o, first: 50, after: $after) {"
    f" edges {{ node {{ {ENTRY} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
)
CURSOR_OF = (
    "query($o: ID, $after: String) { ranking(objectiveId: $o, first: 1, after: $after) {"
    " edges { cursor node { rank } } } }"
)
PROBES = ("first", "deep", "deep_counted", "product", "product_deep", "product_deep_counted")


def literal(value: Any) -> str:
    """A statement argument as an SQL literal (for EXPLAIN EXECUTE)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"'{value!r}'::float8"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class Existing:
    """A database seeded before (by bench.common.seed, as this bench does): used, not dropped."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.base = url

    def close(self) -> None:
        pass


class Size:
    """One workspace size: its database, server, and the requests of every probe."""

    def __init__(self, items: int, objectives: int, base: str | None, url: str | None) -> None:
        self.items = items
        self.server: Server | None = None
        # probe -> list of (variables, expected first rank)
        self.requests: dict[str, list[tuple[dict[str, Any], int]]] = {}
        if url:
            self.db: Any = Existing(url)
            self.objectives, self.items = asyncio.run(self.seeded(url))
            return
        if base:  # the second size: a database of the same PostgreSQL
            os.environ["DATABASE_URL"] = base
        try:
            self.db = Database()
        finally:
            os.environ.pop("DATABASE_URL", None)
        seeded = seed(self.db, items, objectives)
        rebuild(self.db.url)
        self.objectives = seeded.objectives

    async def vacuum(self) -> None:
        conn = await asyncpg.connect(self.db.url)
        try:
            await conn.execute("VACUUM (ANALYZE) ranking_entries, backlog_items")
        finally:
            await conn.close()

    @staticmethod
    async def seeded(url: str) -> tuple[list[UUID], int]:
        """A seeded database's objectives and number of items."""
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(
                "SELECT id FROM objectives WHERE workspace = $1 ORDER BY seq", WORKSPACE
            )
            items = await conn.fetchval(
                "SELECT count(*) FROM backlog_items WHERE workspace = $1", WORKSPACE
            )
            return [r["id"] for r in rows], items
        finally:
            await conn.close()

    def start(self) -> None:
        """Vacuum and analyze the ranking's tables first (where autovacuum gets to a few minutes
        after a rebuild: the visibility map that lets a count read the index alone), then
        start okrank on the database."""
        asyncio.run(self.vacuum())
        for attempt in range(3):  # a loaded machine can take longer than bench.common waits
            try:
                self.server = okrank_server(self.db)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        wait_projected(self.db)

    async def halfway(self, scope: UUID) -> tuple[str, int]:
        """A keyset-only cursor at the middle of a ranking, and the rank after it."""
        conn = await asyncpg.connect(self.db.url)
        try:
            n = await conn.fetchval(
                "SELECT count(*) FROM ranking_entries WHERE workspace = $1 AND scope = $2"
                " AND method = 'RICE'",
                WORKSPACE,
                scope,
            )
            k = await conn.fetchrow(
                "SELECT k_unscored, k_priority, k_base, seq, item_id FROM ranking_entries"
                " WHERE workspace = $1 AND scope = $2 AND method = 'RICE'"
                " ORDER BY k_unscored, k_priority, k_base, seq, item_id OFFSET $3 LIMIT 1",
                WORKSPACE,
                scope,
                n // 2 - 1,
            )
            return ranking_cursor(*k), n // 2 + 1
        finally:
            await conn.close()

    def prepare(self, headers: dict[str, str]) -> None:
        """Every probe's requests: the objectives in turn; deep cursors read from the
        database (keyset-only) and from a page (with their rank)."""
        gids = [to_global_id("Objective", o) for o in self.objectives]
        first = [({"o": g, "after": None}, 1) for g in gids]
        deep, counted = [], []
        for o, g in [*zip(self.objectives, gids, strict=True), (PRODUCT_SCOPE, None)]:
            old, rank = asyncio.run(self.halfway(o))
            assert self.server is not None
            answer = httpx.post(
                self.server.url + "/graphql",
                json={"query": CURSOR_OF, "variables": {"o": g, "after": old}},
                headers=headers,
                timeout=60,
            ).json()["data"]["ranking"]["edges"][0]
            assert answer["node"]["rank"] == rank, (answer, rank)
            # the page after `old` starts at `rank`; after the page's cursor, at rank + 1
            deep.append(({"o": g, "after": answer["cursor"]}, rank + 1))
            counted.append(({"o": g, "after": old}, rank))
        self.requests = {
            "first": first,
            "deep": deep[:-1],
            "deep_counted": counted[:-1],
            "product": [({"o": None, "after": None}, 1)],
            "product_deep": deep[-1:],
            "product_deep_counted": counted[-1:],
        }

    def probe(self, name: str) -> Any:
        requests = self.requests[name]
        expected = {json.dumps(v, sort_keys=True): rank for v, rank in requests}

        def make(n: int) -> tuple[str, dict[str, Any]]:
            return "/graphql", {"query": QUERY, "variables": requests[n % len(requests)][0]}

        def check(response: httpx.Response) -> None:
            body = json.loads(response.request.content)
            edges = response.json()["data"]["ranking"]["edges"]
            assert len(edges) == 50, response.text[:300]
            want = expected[json.dumps(body["variables"], sort_keys=True)]
            assert edges[0]["node"]["rank"] == want, (edges[0]["node"]["rank"], want)

        assert self.server is not None
        return self.server.url, make, check

    async def explain(self) -> dict[str, dict[str, float]]:
        """Shared buffers and execution ms of each page statement as the resolver runs it
        (keyset-only cursors: the count included), with a custom and with a generic plan (a
        cached prepared statement may switch to the generic one)."""
        conn = await asyncpg.connect(self.db.url)
        out = {}
        try:
            columns = item_columns(frozenset({"id", "title"}))
            for name in PROBES:
                variables = self.requests[name][0][0]
                scope = PRODUCT_SCOPE if variables["o"] is None else self.objectives[0]
                after = decode_after(variables["after"]) if variables["after"] else None
                text = page_statement(
                    columns, after is not None, variables["o"] is not None, False, 51
                )
                args: list[Any] = [WORKSPACE, scope, "RICE"]
                # a ranked cursor's position (its rank taken), a keyset-only one's None (counted)
                args += [*after.key, after.position, True] if after else []
                await conn.execute(f"PREPARE page AS {text}")
                for mode in ("custom", "generic"):
                    await conn.execute(f"SET plan_cache_mode = force_{mode}_plan")
                    raw = await conn.fetchval(
                        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)"
                        f" EXECUTE page({', '.join(map(literal, args))})"
                    )
                    plan = json.loads(raw)[0]
                    top = plan["Plan"]
                    out[f"{name}_{mode}"] = {
                        "buffers": top.get("Shared Hit Blocks", 0)
                        + top.get("Shared Read Blocks", 0),
                        "ms": plan["Execution Time"],
                    }
                await conn.execute("DEALLOCATE page")
        finally:
            await conn.close()
        return out

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per figure, all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--objectives", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="1,000 / 10,000 items, 3 s each")
    parser.add_argument(
        "--databases",
        nargs=2,
        metavar=("SMALL_URL", "LARGE_URL"),
        help="measure two databases seeded before (bench.common.seed, rebuilt) instead",
    )
    args = parser.parse_args()
    small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)
    if args.quick:
        args.seconds = 3.0
    headers = {"Authorization": f"Bearer {admin_token()}"}
    sizes: list[Size] = []
    try:
        urls = args.databases or (None, None)
        sizes.append(Size(small, args.objectives, None, urls[0]))
        sizes.append(Size(large, args.objectives, sizes[0].db.base, urls[1]))
        small, large = sizes[0].items, sizes[1].items  # as counted in databases seeded before
        for s in sizes:
            s.start()
            s.prepare(headers)
        probes = {f"{p}_{s.items}": s.probe(p) for p in PROBES for s in sizes}
        figures: dict[str, Any] = alternating(
            probes, (1,), args.rounds, args.seconds / args.rounds, headers
        )
        plans = {s.items: asyncio.run(s.explain()) for s in sizes}
    finally:
        for s in reversed(sizes):
            s.close()
            s.db.close()
    load = os.getloadavg()
    print(f"{small:,} vs {large:,} items, {args.objectives} objectives, 1 client; load {load}")
    for p in PROBES:
        a, b = figures[f"{p}_{small}_c1"], figures[f"{p}_{large}_c1"]
        figures[f"{p}_ratio"] = {"p50": b["p50_ms"] / a["p50_ms"], "p99": b["p99_ms"] / a["p99_ms"]}
        print(
            f"{p:<21} {small:>7,}: p50 {a['p50_ms']:6.1f} ms p99 {a['p99_ms']:6.1f} ms | "
            f"{large:,}: p50 {b['p50_ms']:6.1f} ms p99 {b['p99_ms']:6.1f} ms | "
            f"{large // small}×/1×: p50 {figures[f'{p}_ratio']['p50']:.2f} "
            f"p99 {figures[f'{p}_ratio']['p99']:.2f}"
        )
    for name in plans[small]:
        a, b = plans[small][name], plans[large][name]
        print(
            f"EXPLAIN {name:<21} {small:,}: {a['buffers']:.0f} buffers {a['ms']:.2f} ms | "
            f"{large:,}: {b['buffers']:.0f} buffers {b['ms']:.2f} ms"
        )
    figures["plans"] = plans
    figures["load_average"] = load
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
