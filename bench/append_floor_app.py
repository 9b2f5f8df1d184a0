"""The floor for writes: a minimal Starlette + asyncpg endpoint doing what the event store does to
append one event (LOCK TABLE … IN EXCLUSIVE MODE, INSERT, NOTIFY, COMMIT) and answering JSON,
with no GraphQL, auth, aggregate loading or read-your-writes machinery.

It appends to `floor_events`, a table made like the event store's (`okrank_events`: same
columns, indexes and sequence), so that the projections never see its rows. Served by uvicorn
with the same options as okrank: `uvicorn bench.append_floor_app:create_app --factory` with
OKRANK_DATABASE_URL set.
"""

from __future__ import annotations

import json
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from bench.floor_server import floor_app

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
    async def append(request: Request) -> JSONResponse:
        body = await request.json()
        state = json.dumps(body["variables"]).encode()  # an event's worth of bytes
        async with request.app.state.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
            position = await conn.fetchval(INSERT, uuid.uuid4(), 1, "floor:Scored", state)
            await conn.execute(f"NOTIFY {TABLE}")
        return JSONResponse({"data": {"append": {"position": position}}})

    return floor_app("/append", append, setup=CREATE)
