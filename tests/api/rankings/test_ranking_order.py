"""The SQL ranking order is the domain's sort key: on the same rows, PostgreSQL pages through a
ranking (ORDER BY and keyset cursors) in exactly the order of `rank()`."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import psycopg

from okrank.api.graphql.ids import decode_ranking_cursor, ranking_cursor
from okrank.api.plan.reads import plan_ranking
from okrank.api.rankings.reads import ranking_page, row_key
from okrank.domain.rankings.entries import PRODUCT_SCOPE
from okrank.domain.rankings.scoring import RankingEntry, Tier, rank
from okrank.projections.catalog.tables import INDEXES, TABLES

WORKSPACE = "order"
OBJECTIVE = uuid.uuid4()


def tricky_entries(rng: random.Random, n: int) -> list[RankingEntry]:
    """Ties everywhere: equal priorities with other base scores, equal base scores, repeated
    creation order (left to the item ID), zero scores (-0.0 keys) and unscored items."""
    return [
        RankingEntry(
            item_id=str(uuid.uuid4()),
            base_score=rng.choice([None, 0.0, 1.0, 2.0, 2.5, 5.0, 10.0]),
            multiplier=rng.choice([0.5, 1.0, 2.0]),
            tier=Tier.DIRECT,
            eligible=True,
            seq=rng.randint(1, n // 4),
        )
        for _ in range(n)
    ]


def store(url: str, entries: list[RankingEntry]) -> None:
    """Write the entries as the catalog projection does: its tables, its k_* columns."""
    now = datetime.now(UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        for ddl in [*TABLES.values(), *INDEXES]:
            conn.execute(ddl)
        # the catalog view's tracking table, which a page reads its position from
        conn.execute(
            "CREATE TABLE IF NOT EXISTS catalog_tracking"
            " (application_name text PRIMARY KEY, notification_id bigint)"
        )
        for e in entries:
            conn.execute(
                "INSERT INTO backlog_items (id, workspace, seq, title, description, kind, status,"
                " justification, version, created_at, created_by, updated_at)"
                " VALUES (%s, %s, %s, 'i', '', 'FEATURE', 'BACKLOG', '', 1, %s, 't', %s)",
                (e.item_id, WORKSPACE, e.seq, now, now),
            )
            k = e.sort_key
            values = (e.item_id, e.base_score, e.multiplier, e.tier, e.priority, e.eligible)
            for scope in (PRODUCT_SCOPE, OBJECTIVE):
                conn.execute(
                    "INSERT INTO ranking_entries (workspace, scope, method, item_id, base_score,"
                    " multiplier, tier, priority, eligible, k_unscored, k_priority, k_base, seq)"
                    " VALUES (%s, %s, 'RICE', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (WORKSPACE, scope, *values, k[0], k[1], k[2], e.seq),
                )


async def pages_in_sql_order(url: str, page_size: int) -> tuple[list[str], list[int], list[str]]:
    """Every item of the product ranking, page by page through its keyset cursors; each page's
    count of rows before it; and the capacity plan's walk of the objective's ranking."""
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        order: list[str] = []
        befores: list[int] = []
        after: Any = None
        while True:
            page = await ranking_page(pool, WORKSPACE, None, "RICE", after, page_size + 1, False)
            assert page is not None
            before, rows = page
            befores.append(before)
            order += [str(r["id"]) for r in rows[:page_size]]
            if len(rows) <= page_size:
                break
            # as the client's `after` arrives: the cursor the resolver hands out, decoded
            after = decode_ranking_cursor(ranking_cursor(*row_key(rows[page_size - 1])))
        walked = [str(r["id"]) for r in await plan_ranking(pool, WORKSPACE, OBJECTIVE, "RICE")]
        return order, befores, walked
    finally:
        await pool.close()


def test_sql_ranking_order_and_keyset_pages_equal_the_domain_sort_key(make_database):
    entries = tricky_entries(random.Random(7), 120)
    url = make_database()
    store(url, entries)
    expected = [e.item_id for e in rank(entries)]

    order, befores, walked = asyncio.run(pages_in_sql_order(url, page_size=7))

    assert order == expected  # ORDER BY and the keyset `>` comparison
    assert befores == list(range(0, len(entries), 7))  # the count `<=` before each page
    assert walked == expected  # the plan walks the same order


async def befores_with_known_ranks(url: str) -> dict[str, int | None]:
    """A page after the same cursor with a cursor rank of 999 read at position 10, with the
    catalog at 10, then at 11, and without a rank wanted."""
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        first = await ranking_page(pool, WORKSPACE, None, "RICE", None, 6, False)
        assert first is not None
        after = row_key(first[1][4])  # five entries before the page
        out: dict[str, int | None] = {}
        for label, at, count in (("still", 10, True), ("moved", 11, True), ("unwanted", 10, False)):
            await pool.execute(
                "INSERT INTO catalog_tracking VALUES ('okrank', $1) ON CONFLICT (application_name)"
                " DO UPDATE SET notification_id = $1",
                at,
            )
            page = await ranking_page(
                pool, WORKSPACE, None, "RICE", after, 5, False, known=(999, 10), count=count
            )
            assert page is not None
            out[label] = page[0]
            assert page[1][0]["at_position"] == at
        return out
    finally:
        await pool.close()


def test_a_cursors_rank_is_taken_while_the_catalog_stands_still_and_counted_once_it_moves(
    make_database,
):
    url = make_database()
    store(url, tricky_entries(random.Random(3), 20))
    befores = asyncio.run(befores_with_known_ranks(url))
    # 999 is no real rank: it shows the page took the cursor's instead of counting
    assert befores == {"still": 999, "moved": 5, "unwanted": None}
