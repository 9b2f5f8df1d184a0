"""The frame of each floor app: one POST route over an asyncpg pool as large as okrank's, and
/readyz, served by uvicorn with okrank's options and OKRANK_DATABASE_URL set."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from okrank.api.database.pool_size import pool_size


def floor_app(
    path: str, endpoint: Callable[[Request], Awaitable[JSONResponse]], setup: str | None = None
) -> Starlette:
    """`endpoint` POSTed at `path`, its pool in `request.app.state.pool`; `setup`, if given, is
    executed once the pool is open."""
    url = os.environ["OKRANK_DATABASE_URL"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # as many connections as okrank's pool: the same waiting, or none, at each load
        app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=pool_size())
        if setup is not None:
            async with app.state.pool.acquire() as conn:
                await conn.execute(setup)
        yield
        await app.state.pool.close()

    async def readyz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route(path, endpoint, methods=["POST"]), Route("/readyz", readyz)],
        lifespan=lifespan,
    )
