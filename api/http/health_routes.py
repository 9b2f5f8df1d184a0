"""/healthz (the process answers) and /readyz (it can serve fresh reads now)."""

from __future__ import annotations

import asyncpg
from eventsourcing.persistence import PersistenceError
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse

from okrank.api.graphql.context import Services
from okrank.api.http import projection_lag, stopped_views
from okrank.api.http.view_tables import views_without_tables


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    reason = await services.health.not_ready(services.pool, (services.progress, services.feed))
    if reason is not None:
        return JSONResponse({"ready": False, "reason": reason}, status_code=503)
    if not request.app.state.view_tables_exist:  # set by create_app, true once seen
        try:
            creating = await views_without_tables(services.pool)
        except (OSError, asyncpg.PostgresError):
            return JSONResponse({"ready": False, "reason": "database unreachable"}, status_code=503)
        if creating:  # a fresh database: the views' leaders have not created their tables yet
            return JSONResponse(
                {"ready": False, "reason": "read models not created yet", "views": creating},
                status_code=503,
            )
        request.app.state.view_tables_exist = True  # tables are never dropped while serving
    try:
        stopped = stopped_views.not_ready(await stopped_views.load(services.pool))
    except (OSError, asyncpg.PostgresError):
        return JSONResponse({"ready": False, "reason": "database unreachable"}, status_code=503)
    if stopped:  # a view stopped on a poison event (projections.status)
        return JSONResponse(stopped, status_code=503)
    bound = request.app.state.max_lag_events
    try:
        lags = await projection_lag.lag_by_view(services) if bound is not None else {}
    except (OSError, PersistenceError):  # the event store's head could not be read
        return JSONResponse({"ready": False, "reason": "database unreachable"}, status_code=503)
    behind = projection_lag.too_far_behind(lags, bound)
    if behind:  # reads here would be stale beyond OKRANK_READY_MAX_LAG_EVENTS
        return JSONResponse(
            {"ready": False, "reason": "projections lagging", "lagEvents": behind}, status_code=503
        )
    return JSONResponse({"ready": True, "positions": services.progress.positions})
