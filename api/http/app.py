"""The Starlette application: GraphQL at /graphql, health at /healthz and /readyz."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
from cross_web import HTTPException
from eventsourcing.persistence import PersistenceError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types.unset import UNSET

from okrank.api.auth import AuthError, AuthUnavailable, bearer
from okrank.api.auth.authenticator import Authenticator
from okrank.api.auth.settings import IdentitySettings
from okrank.api.commands import idempotency, rate_limit
from okrank.api.commands.progress import Progress
from okrank.api.database.health import DatabaseHealth
from okrank.api.graphql.context import Context, Services
from okrank.api.graphql.schema import schema
from okrank.api.http import (
    cors,
    graphiql,
    import_route,
    metrics,
    projection_lag,
    request_envelope,
    request_id,
    stopped_views,
)
from okrank.api.http.errors import CLOSE, close_websocket, error_response, too_large
from okrank.api.http.limits import HttpLimits, http_limits
from okrank.api.http.request_body import BodyTimeout, BodyTooLarge, read_body
from okrank.api.http.unavailable import CODE as UNAVAILABLE_CODE
from okrank.api.http.unavailable import HEADERS as UNAVAILABLE_HEADERS
from okrank.api.http.unavailable import mark_response, refusal
from okrank.api.limits.settings import SETTINGS
from okrank.api.limits.trusted_documents import lift_document_id
from okrank.api.subscriptions.ranking_feed import RankingFeed
from okrank.api.webhooks import delivery as webhooks
from okrank.domain.application import OkrankApplication
from okrank.projections.engine.database_settings import (
    COMMAND_TIMEOUT_SECONDS,
    CONNECT_TIMEOUT_SECONDS,
)
from okrank.projections.engine.runner import Projections, event_store_env

log = logging.getLogger("okrank.api")


class ClosableWebSocket(ASGIWebSocketAdapter):
    """okrank closes a connection itself with a precise reason (bad token: 4401, token
    expired: 4401); strawberry's own close or send that may follow is then a no-op."""

    async def send_json(self, message: Any) -> None:
        if self.ws.application_state == WebSocketState.DISCONNECTED:
            raise WebSocketDisconnected
        await super().send_json(message)

    async def close(self, code: int, reason: str) -> None:
        if self.ws.application_state != WebSocketState.DISCONNECTED:
            await super().close(code, reason)


class OkrankGraphQL(GraphQL):
    websocket_adapter_class = ClosableWebSocket
    authenticator: Authenticator
    origin_policy: cors.OriginPolicy

    @property
    def graphql_ide_html(self) -> str:
        return graphiql.page()  # its assets from okrank itself: no CDN, works offline

    def is_websocket_origin_allowed(self, request: Any, origin: str) -> bool:
        return self.origin_policy.allows(origin)  # cors.WebSocketOrigins refused others first

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """While the database is known to be down, an HTTP request is refused at once (503)."""
        if scope["type"] == "http" and scope["app"].state.services.health.down:
            return await refusal()(scope, receive, send)
        return await super().__call__(scope, receive, send)

    def create_response(self, response_data: Any, sub_response: Any) -> Any:
        return mark_response(super().create_response(response_data, sub_response), response_data)

    imports_only = False  # the POST /graphql/import view: runs only the import mutation

    def decode_json(self, data: str | bytes) -> object:
        return request_envelope.decode_json(data)

    async def parse_http_body(self, request: Any) -> Any:
        try:
            data = await super().parse_http_body(request)
        except AttributeError:  # strawberry calls .get on a body that is not a JSON object
            raise HTTPException(400, request_envelope.NOT_AN_OBJECT) from None
        if self.imports_only:
            import_route.require_import_only(data.query)
        return data

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """A request error (bad envelope, method, media type) answers a GraphQL-style error
        body, as every other failure does, rather than strawberry's plain text."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:
            if request.scope["type"] != "http":
                raise
            return error_response(exc.status_code, exc.reason)

    def encode_json(self, data: object) -> str:
        """orjson: a 50-entry ranking page encodes ~10× faster than with the json module. A str,
        not bytes: strawberry sends bytes over a WebSocket as binary frames."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # an int beyond 64 bits (a JSON scalar): the json module takes it
            return json.dumps(data, separators=(",", ":"))

    def parse_json(self, data: str | bytes) -> Any:
        return lift_document_id(super().parse_json(data))

    async def get_context(self, request: Any, response: Any) -> Context:
        # No principal: the GraphiQL page (no operation runs), or a WebSocket that
        # authenticates in its connection_init payload (on_ws_connect).
        websocket = request if request.scope["type"] == "websocket" else None
        return Context(
            services=request.app.state.services,
            principal=request.scope.get("principal"),
            websocket=websocket,
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        """Browsers cannot set headers on a WebSocket: accept the token in connection_init
        as {"Authorization": "Bearer <token>"} (or {"token": "<token>"})."""
        if context.principal is None:
            params = context.connection_params or {}
            raw = params.get("Authorization") or params.get("authorization")
            try:
                # No token at all: the same "missing Authorization" message as over HTTP.
                token = str(params["token"]) if params.get("token") and not raw else bearer(raw)
                context.principal = await self.authenticator.authenticate(token)
            except AuthError as exc:
                await context.websocket.close(code=4401, reason=str(exc)[:120])
                raise ConnectionRejectionError() from None
            except AuthUnavailable as exc:  # 1013: try again later
                await context.websocket.close(code=1013, reason=str(exc)[:120])
                raise ConnectionRejectionError() from None
        self.authenticator.service_tokens.watch(context.principal, context.websocket)
        return None


class GraphQLGuard:
    """Authenticates /graphql requests and bounds their size before strawberry sees them.

    The GraphiQL page itself (a browser GET asking for HTML; unless OKRANK_GRAPHIQL=0) needs
    no token; every operation does: the token names the workspace all reads and writes are
    confined to.
    """

    def __init__(
        self, app: ASGIApp, authenticator: Authenticator, limits: HttpLimits | None = None
    ) -> None:
        self.app, self.authenticator = app, authenticator
        self.limits = limits or http_limits()

    def _body_limit(self, scope: Scope) -> int:
        if scope["path"] == import_route.IMPORT_PATH:
            return self.limits.max_import_body_bytes
        return self.limits.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith("/graphql"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["type"] == "http":
            if (
                SETTINGS.graphiql
                and scope["method"] == "GET"
                and "text/html" in headers.get("accept", "")
                and (not scope.get("query_string"))
            ):
                return await self.app(scope, receive, send)
            length = headers.get("content-length")
            limit = self._body_limit(scope)
            if length is not None and (not length.isdigit() or int(length) > limit):
                return await too_large(limit)(scope, receive, send)
        if scope["type"] == "websocket" and "authorization" not in headers:
            return await self.app(scope, receive, send)  # token comes in connection_init
        try:
            token = bearer(headers.get("authorization"))
            scope["principal"] = await self.authenticator.authenticate(token)
        except AuthUnavailable as exc:
            if scope["type"] == "websocket":
                return await close_websocket(scope, receive, send, 1013, str(exc))
            return await error_response(
                503, str(exc), code=UNAVAILABLE_CODE, headers=UNAVAILABLE_HEADERS
            )(scope, receive, send)
        except AuthError as exc:
            if scope["type"] == "websocket":
                return await close_websocket(scope, receive, send, 4401, str(exc))
            return await error_response(
                401, str(exc), headers={"WWW-Authenticate": 'Bearer realm="okrank"'}
            )(scope, receive, send)
        if scope["type"] == "http" and scope["method"] != "GET":
            try:
                receive = await read_body(
                    receive, self._body_limit(scope), self.limits.body_timeout
                )
            except BodyTooLarge:
                return await too_large(self._body_limit(scope))(scope, receive, send)
            except BodyTimeout:
                message = f"request body not received within {self.limits.body_timeout:g} s"
                return await error_response(408, message, headers=CLOSE)(scope, receive, send)
        if scope["type"] == "http":
            tokens = self.authenticator.service_tokens
            with tokens.cut_on_revoke(scope["principal"], receive) as receive:
                return await self.app(scope, receive, send)
        return await self.app(scope, receive, send)


class GraphQLResponseMedia:
    """GraphQL over HTTP: a client that accepts application/graphql-response+json gets that
    media type, and a request error (parse or validation: no data, no field path) gets 400.
    Plain application/json clients keep the 200 the specification prescribes for them."""

    MEDIA = "application/graphql-response+json"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
        if scope["type"] != "http" or self.MEDIA not in accept:
            return await self.app(scope, receive, send)
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            assert start is not None
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            status = start["status"]
            content_type = dict(headers).get(b"content-type", b"")
            if content_type.startswith(b"application/json"):
                try:
                    result = json.loads(body)
                except ValueError:
                    result = None
                if (
                    isinstance(result, dict)
                    and result.get("data") is None
                    and result.get("errors")
                    and not any("path" in e for e in result["errors"])
                ):
                    result.pop("data", None)
                    status = 400 if status == 200 else status
                    body = json.dumps(result).encode()
                headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
                headers.append((b"content-type", self.MEDIA.encode()))
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffer)


class ErrorBoundary:
    """The last line: an unexpected failure answers a JSON 500, never a stack trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error")
            if not started:
                await error_response(500, "internal error", "INTERNAL")(scope, receive, send)


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def readyz(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    reason = await services.health.not_ready(services.pool, (services.progress, services.feed))
    if reason is not None:
        return JSONResponse({"ready": False, "reason": reason}, status_code=503)
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


async def _keep_session(conn: asyncpg.Connection) -> None:
    """The pool's connections carry no session state to undo: reads, and transactions that
    end before release (asyncpg rolls back any left open); LISTEN and session advisory locks
    live on dedicated connections. So a released connection skips asyncpg's default reset
    (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL): one round trip less per query."""


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

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        application = await run_in_threadpool(OkrankApplication, event_store_env(database_url))
        projections = Projections(database_url) if run_projections else None
        if projections:
            projections.start()
        pool = await asyncpg.create_pool(
            database_url,
            min_size=2,
            max_size=10,
            init=_decode_jsonb,
            reset=_keep_session,
            timeout=CONNECT_TIMEOUT_SECONDS,
            command_timeout=COMMAND_TIMEOUT_SECONDS,
        )
        health = DatabaseHealth(database_url)
        progress = Progress(database_url, health)
        await progress.start()
        feed = RankingFeed(database_url, health)
        await feed.start()
        await webhooks.create_tables(pool)
        await idempotency.create_tables(pool)
        await authenticator.service_tokens.start(pool, database_url)
        await authenticator.start()
        deliverer = webhooks.WebhookDeliverer(database_url, pool)
        await deliverer.start()
        app.state.services = Services(
            app=application,
            pool=pool,
            progress=progress,
            feed=feed,
            health=health,
            service_tokens=authenticator.service_tokens,
        )
        _tune_gc()
        try:
            yield
        finally:
            await deliverer.stop()
            await authenticator.stop()
            await authenticator.service_tokens.stop()
            await feed.stop()
            await progress.stop()
            await health.stop()
            await pool.close()
            if projections:
                await run_in_threadpool(projections.stop)
            application.close()

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
            WebSocketRoute("/graphql", graphql),
            *([Route(graphiql.ASSET_PATH, graphiql.asset)] if SETTINGS.graphiql else []),
            Route(metrics.PATH, metrics.metrics if metrics.enabled() else metrics.disabled),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
    app.state.max_lag_events = projection_lag.max_lag_events()
    keyed = idempotency.IdempotencyKeys(GraphQLResponseMedia(app), lambda: app.state.services.pool)
    limits = rate_limit.RateLimitSettings.from_env()
    guarded = GraphQLGuard(rate_limit.TokenRateLimit(keyed, limits), authenticator, http_limits())
    browsers = cors.browser_origins(rate_limit.AuthFailureLimit(guarded, limits), origins)
    return request_id.RequestIds(ErrorBoundary(browsers))
