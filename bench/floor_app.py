"""The floor for ranking reads: a minimal Starlette + asyncpg endpoint returning the same 50
ranking rows as JSON, with no GraphQL, auth or read-your-writes machinery.

Served by uvicorn with the same options as okrank: `uvicorn bench.floor_app:create_app
--factory` with OKRANK_DATABASE_URL set.
"""

from __future__ import annotations

from uuid import UUID

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse

from bench.floor_server import floor_app

SQL = (
    "SELECT r.base_score, r.multiplier, r.tier, r.priority, r.eligible, i.id, i.title"
    " FROM ranking_entries r JOIN backlog_items i ON i.id = r.item_id"
    " WHERE r.workspace = $1 AND r.scope = $2 AND r.method = 'RICE'"
    " ORDER BY r.k_unscored, r.k_priority, r.k_base, r.seq, r.item_id LIMIT 50"
)


def create_app() -> Starlette:
    async def ranking(request: Request) -> JSONResponse:
        body = await request.json()
        rows = await request.app.state.pool.fetch(SQL, body["workspace"], UUID(body["objectiveId"]))
        return JSONResponse(
            [
                {
                    "rank": n + 1,
                    "baseScore": r["base_score"],
                    "multiplier": r["multiplier"],
                    "tier": r["tier"],
                    "priority": r["priority"],
                    "eligible": r["eligible"],
                    "backlogItem": {"id": str(r["id"]), "title": r["title"]},
                }
                for n, r in enumerate(rows)
            ]
        )

    return floor_app("/ranking", ranking)
