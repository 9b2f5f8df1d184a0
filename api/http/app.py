"""The Starlette application: GraphQL at /graphql, health at /healthz and /readyz.

This module only wires the rooms together: the GraphQL view (`graphql_view`), the health
routes (`health_routes`), the import route (`import_route`), the audit export (`audit_export`),
the review report's export (`review_export`), metrics (`metrics`), the services' start and stop
(`lifespan`) and the middleware around them, outermost last."""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)

from okrank.api.auth.authenticator import Authenticator
from okrank.api.auth.settings import IdentitySettings
from okrank.api.commands import idempotency, rate_limit
from okrank.api.graphql.schema import schema
from okrank.api.http import (
    audit_export,
    cors,
    graphiql,
    import_route,
    metrics,
    projection_lag,
    request_id,
    review_export,
)
from okrank.api.http.error_boundary import ErrorBoundary
from okrank.api.http.graphql_guard import GraphQLGuard
from okrank.api.http.graphql_view import OkrankGraphQL
from okrank.api.http.health_routes import healthz, readyz
from okrank.api.http.lifespan import lifespan
from okrank.api.http.limits import http_limits
from okrank.api.http.response_media import GraphQLResponseMedia
from okrank.api.limits.settings import SETTINGS


def create_app(
    database_url: str | None = None,
    secret: str | None = None,
    run_projections: bool | None = None,
) -> ASGIApp:
    """Build the ASGI app. Arguments default to OKRANK_DATABASE_URL, OKRANK_SECRET and
    OKRANK_PROJECTIONS (so uvicorn can build it in each worker process)."""
    database_url = database_url or os.environ["OKRANK_DATABASE_URL"]
    secret = secret or os.environ["OKRANK_SECRET"]
    if run_projections is None:
        run_projections = os.environ.get("OKRANK_PROJECTIONS", "1") == "1"

    graphql = OkrankGraphQL(
        schema,
        graphql_ide="graphiql" if SETTINGS.graphiql else None,
        allow_queries_via_get=True,
        keep_alive=True,
        keep_alive_interval=15,
        max_subscriptions_per_connection=20,
        # WebSocket (graphql-transport-ws), or plain HTTP streams for clients without one.
        subscription_protocols=(
            GRAPHQL_TRANSPORT_WS_PROTOCOL,
            MULTIPART_SUBSCRIPTION_PROTOCOL,
            GRAPHQL_SSE_PROTOCOL,
        ),
    )
    authenticator = Authenticator(secret, IdentitySettings.from_env())
    origins = cors.OriginPolicy.from_env()
    graphql.authenticator, graphql.origin_policy = authenticator, origins
    importer = OkrankGraphQL(schema, graphql_ide=None, subscription_protocols=())
    importer.authenticator, importer.imports_only = authenticator, True
    app = Starlette(
        routes=[
            Route("/", lambda r: RedirectResponse("/graphql")),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(import_route.IMPORT_PATH, importer, methods=["POST"]),
            Route(
                audit_export.PATH, audit_export.route(authenticator, database_url), methods=["GET"]
            ),
            Route(review_export.PATH, review_export.route(authenticator), methods=["GET"]),
            WebSocketRoute("/graphql", graphql),
            *([Route(graphiql.ASSET_PATH, graphiql.asset)] if SETTINGS.graphiql else []),
            Route(metrics.PATH, metrics.metrics if metrics.enabled() else metrics.disabled),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan(database_url, run_projections, authenticator),
    )
    app.state.max_lag_events = projection_lag.max_lag_events()
    # A process that runs the projections is ready once their tables exist (a fresh database).
    app.state.view_tables_exist = not run_projections
    keyed = idempotency.IdempotencyKeys(GraphQLResponseMedia(app), lambda: app.state.services.pool)
    limits = rate_limit.RateLimitSettings.from_env()
    guarded = GraphQLGuard(rate_limit.TokenRateLimit(keyed, limits), authenticator, http_limits())
    browsers = cors.browser_origins(rate_limit.AuthFailureLimit(guarded, limits), origins)
    return request_id.RequestIds(ErrorBoundary(browsers))
