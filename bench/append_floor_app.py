"""The floor for writes: a minimal Starlette + asyncpg endpoint doing what the event store does to
append one event (LOCK TABLE … IN EXCLUSIVE MODE, INSERT, NOTIFY, COMMIT) and answering JSON,
with no GraphQL, auth, aggregate loading or read-your-writes machinery.

It appends to `floor_events`, a table made like the event store's (`okrank_events`: same
columns, indexes and sequence), so that the projections never see its rows. Served by uvicorn
with the same options as okrank: `uvicorn bench.append_floor_app:create_app --factory` with
OKRANK_DATABASE_URL set.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from okrank.api.database.pool_size import pool_size

TABLE = "floor_events"
CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (LIKE okrank_events INCLUDING ALL);"
    f"CREATE SEQUENCE IF NOT EXISTS {TABLE}_seq;"
    f"ALTER TABLE {TABLE} ALTER COLUMN notification_id SET DEFAULT nextval('{TABLE}_seq')"
)
INSERT = (
    f"INSERT INTO {TABLE} (originator_id, originator_version, topic, state)"
    " VALUES ($1, $2, $3, $4) RETURNING notification_id"
)


def create_app() -> Starlette:
    url = os.environ["OKRANK_DATABASE_URL"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # as many connections as okrank's pool: the same waiting, or none, at each load
        app.state.pool = await asyncpg.create_pool(url, min_size=2, max_size=pool_size())
        async with app.state.pool.acquire() as conn:
            await conn.execute(CREATE)
        yield
        await app.state.pool.close()

    async def append(request: Request) -> JSONResponse:
        body = await request.json()
        state = json.dumps(body["variables"]).encode()  # an event's worth of bytes
        async with request.app.state.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
            position = await conn.fetchval(INSERT, uuid.uuid4(), 1, "floor:Scored", state)
            await conn.execute(f"NOTIFY {TABLE}")
        return JSONResponse({"data": {"append": {"position": position}}})

    async def readyz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/append", append, methods=["POST"]), Route("/readyz", readyz)],
        lifespan=lifespan,
    )
