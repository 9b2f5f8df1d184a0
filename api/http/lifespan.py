"""What a server process starts before it answers and stops after: the application, the
projections, the read pool, read-your-writes progress, the ranking feed, webhooks, the
exercises' automatic close and auth."""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import AsyncIterator, Callable

import asyncpg
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from okrank.api.auth.authenticator import Authenticator
from okrank.api.commands import idempotency
from okrank.api.commands.progress import Progress
from okrank.api.coverage.cache import DashboardCache, cache_entries
from okrank.api.database.health import DatabaseHealth
from okrank.api.database.pool_size import MIN_IDLE, pool_size
from okrank.api.database.read_pool import ReadPool
from okrank.api.exercises import auto_close
from okrank.api.exercises.auto_close import AutoCloser
from okrank.api.graphql.context import Services
from okrank.api.subscriptions.ranking_feed import RankingFeed
from okrank.api.webhooks import delivery as webhooks
from okrank.domain.application import OkrankApplication
from okrank.projections.engine.database_settings import (
    COMMAND_TIMEOUT_SECONDS,
    CONNECT_TIMEOUT_SECONDS,
)
from okrank.projections.engine.runner import Projections, event_store_env
from okrank.projections.engine.version_follower import VersionFollower
from okrank.projections.rankings.change_stream import OKR_CHANGES


async def _decode_jsonb(conn: asyncpg.Connection) -> None:
    """jsonb columns (exercise ballots and results) arrive as Python values."""
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


GC_GEN0_THRESHOLD = 20_000


def _tune_gc() -> None:
    """Once started: move what startup built (modules, the schema, pools) out of the cyclic
    collector's reach, and collect the young generation less often. A GraphQL request allocates
    thousands of short-lived objects; with the default threshold (700) the collector ran more
    than once per ranking request, re-scanning live request objects and, now and then, the
    whole heap. Measured over ~500 `ranking` requests: 478 ms of GC before, 160 ms after."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


def lifespan(
    database_url: str, run_projections: bool, authenticator: Authenticator
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Starlette's lifespan for one server process: starts every service, publishes them as
    `app.state.services`, and stops them in reverse order."""

    @contextlib.asynccontextmanager
    async def run(app: Starlette) -> AsyncIterator[None]:
        dashboards = DashboardCache(cache_entries())  # a malformed setting stops start-up here
        connections = pool_size()  # so does this one
        application = await run_in_threadpool(OkrankApplication, event_store_env(database_url))
        # What other processes write, so that commands do not start from a cache behind it.
        follower = VersionFollower(application.recorder, application.mark_behind)
        await run_in_threadpool(follower.start)
        projections = Projections(database_url) if run_projections else None
        if projections:
            projections.start()
        pool = await ReadPool.open(
            database_url,
            min_size=min(MIN_IDLE, connections),
            max_size=connections,
            init=_decode_jsonb,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            command_timeout=COMMAND_TIMEOUT_SECONDS,
        )
        health = DatabaseHealth(database_url)
        progress = Progress(database_url, health)
        await progress.start()
        feed = RankingFeed(database_url, health)
        await feed.start()
        okr_feed = RankingFeed(database_url, health, OKR_CHANGES)
        await okr_feed.start()
        await webhooks.create_tables(pool)
        await idempotency.create_tables(pool)
        await authenticator.service_tokens.start(pool, database_url)
        await authenticator.start()
        deliverer = webhooks.WebhookDeliverer(database_url, pool)
        await deliverer.start()
        closer = AutoCloser(application, pool, auto_close.interval_seconds())
        await closer.start()
        app.state.services = Services(
            app=application,
            pool=pool,
            progress=progress,
            feed=feed,
            health=health,
            okr_feed=okr_feed,
            service_tokens=authenticator.service_tokens,
            dashboards=dashboards,
        )
        _tune_gc()
        try:
            yield
        finally:
            await closer.stop()
            await deliverer.stop()
            await authenticator.stop()
            await authenticator.service_tokens.stop()
            await okr_feed.stop()
            await feed.stop()
            await progress.stop()
            await health.stop()
            await pool.close()
            if projections:
                await run_in_threadpool(projections.stop)
            await run_in_threadpool(follower.stop)
            application.close()

    return run
