"""The webhook backlog (the `okrank_webhook_backlog_changes` metric): the changes active
endpoints have still to receive, each from its own stream's outbox, within its workspace and
scope, after its cursor."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from okrank.api.webhooks.delivery import backlog, create_tables
from okrank.projections.catalog import okr_changes
from okrank.projections.rankings import ranking_changes
from tests.support.webhooks import add_endpoint

X, Y, PRODUCT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def test_the_backlog_counts_each_endpoints_owed_changes_from_its_own_streams_outbox(
    make_database,
):
    url = make_database()

    async def scenario() -> tuple[int, int]:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            await create_tables(pool)
            await add_endpoint(pool, "OKRS", "a", X, (5, 0))  # owed (5,1)
            await add_endpoint(pool, "OKRS", "a", None, (0, -1))  # owed a's three
            await add_endpoint(pool, "RANKINGS", "a", None, (0, -1))  # owed a's two
            await add_endpoint(pool, "OKRS", "a", None, (0, -1), "PAUSED")  # owed, not counted
            before_outboxes = await backlog(pool)  # no view has run yet
            await pool.execute(ranking_changes.TABLE)
            await pool.execute(okr_changes.TABLE)
            for position, ordinal, workspace, objective in [
                (5, 0, "a", X),
                (5, 1, "a", X),
                (7, 0, "a", Y),
                (8, 0, "b", X),
            ]:
                await pool.execute(
                    "INSERT INTO okr_changes (position, ordinal, workspace, kind, objective_id,"
                    " actor, at) VALUES ($1, $2, $3, 'GRADE_CHANGED', $4, 'po', now())",
                    position,
                    ordinal,
                    workspace,
                    objective,
                )
            for position, ordinal, scope in [(6, 0, X), (6, 1, PRODUCT)]:
                await pool.execute(
                    "INSERT INTO ranking_changes (position, ordinal, workspace, scope, method,"
                    " count, cause, actor, at) VALUES ($1, $2, 'a', $3, 'RICE', 1, 'SCORED',"
                    " 'po', now())",
                    position,
                    ordinal,
                    scope,
                )
            return before_outboxes, await backlog(pool)
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == (0, 1 + 3 + 2)
