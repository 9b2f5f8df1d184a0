"""A ranking page's statement is planned once per connection, not on every request.

asyncpg prepares each statement; PostgreSQL plans its first five executions for their values,
then keeps a generic plan unless that plan's estimate costs more. With the page's limit bound
as a parameter, the generic plan assumed a tenth of the ranking's entries, so once ANALYZE had
counted them (autovacuum does, minutes after a rebuild) it cost more than the custom plans and
every page was planned anew: PostgreSQL's CPU per page doubled (0.15 -> 0.33 ms, measured with
`wrk`). The limit is now part of the statement's text.
"""

from __future__ import annotations

import asyncio
import random

import asyncpg
import psycopg

from okrank.api.rankings.reads import ranking_page, row_key
from tests.support.ranking_rows import WORKSPACE, store, tricky_entries

PLANS = (
    "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
    " WHERE statement LIKE '%FROM ranking_entries r JOIN backlog_items%'"
    " AND statement NOT LIKE '%pg_prepared_statements%'"  # not this query itself
)


async def plans_of_repeated_pages(url: str) -> list[tuple[int, int]]:
    """(generic, custom) plans of each page statement after ten requests of each page on one
    connection: the product ranking's first page and a page after a cursor."""
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        first = await ranking_page(pool, WORKSPACE, None, "RICE", None, 51, False)
        assert first is not None
        after = row_key(first[1][49])
        for _ in range(10):
            assert await ranking_page(pool, WORKSPACE, None, "RICE", None, 51, False)
            assert await ranking_page(pool, WORKSPACE, None, "RICE", after, 51, False)
        return [(r["generic_plans"], r["custom_plans"]) for r in await pool.fetch(PLANS)]
    finally:
        await pool.close()


def test_a_ranking_page_keeps_one_plan_once_its_entries_are_analyzed(make_database):
    url = make_database()
    store(url, tricky_entries(random.Random(5), 1500))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")  # as autovacuum does: the estimates that made plans costly
    plans = asyncio.run(plans_of_repeated_pages(url))
    assert len(plans) == 2  # the first page's statement, the one after a cursor
    assert all(custom <= 5 for _, custom in plans), plans  # the first five executions only
    assert sum(generic for generic, _ in plans) >= 10, plans  # the repeats ran on a kept plan
