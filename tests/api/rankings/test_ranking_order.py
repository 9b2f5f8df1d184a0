"""The SQL ranking order is the domain's sort key: on the same rows, PostgreSQL pages through a
ranking (ORDER BY and keyset cursors) in exactly the order of `rank()`."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import asyncpg

from okrank.api.graphql.ids import decode_ranking_cursor, ranking_cursor
from okrank.api.plan.reads import plan_ranking
from okrank.api.rankings.reads import ranking_page, row_key
from okrank.domain.rankings.scoring import rank
from tests.support.ranking_rows import OBJECTIVE, WORKSPACE, store, tricky_entries


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
