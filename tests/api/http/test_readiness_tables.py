"""/readyz waits for the read models' tables: on a fresh database a process is not ready until
every view's leader has created them (a request before then would find no table)."""

from __future__ import annotations

import asyncio

import asyncpg

from okrank.api.http.view_tables import TABLES_OF_VIEW, views_without_tables
from tests.support.read_models import running_projections
from tests.support.waiting import wait_until


def _missing(url: str) -> list[str]:
    async def ask() -> list[str]:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            return await views_without_tables(pool)
        finally:
            await pool.close()

    return asyncio.run(ask())


def test_a_fresh_database_lacks_every_views_tables_until_the_projections_create_them(
    make_database,
):
    url = make_database()
    assert _missing(url) == list(TABLES_OF_VIEW)
    with running_projections(url):
        wait_until(lambda: _missing(url) == [], what="every view's tables")
    assert "ranking_changes" in TABLES_OF_VIEW["catalog"]  # what registerWebhook reads
