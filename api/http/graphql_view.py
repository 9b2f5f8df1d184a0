"""The strawberry GraphQL view okrank serves at /graphql (HTTP and WebSocket) and at
/graphql/import: orjson answers, GraphQL-style request errors, token in connection_init."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types.unset import UNSET

from okrank.api.auth import AuthError, AuthUnavailable, bearer
from okrank.api.auth.authenticator import Authenticator
from okrank.api.graphql.context import Context
from okrank.api.http import cors, graphiql, import_route, request_envelope
from okrank.api.http.errors import error_response
from okrank.api.http.unavailable import mark_response, refusal
from okrank.api.http.ws_handler import DirectFramesHandler
from okrank.api.limits.trusted_documents import lift_document_id


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
    graphql_transport_ws_handler_class = DirectFramesHandler  # live changes written directly
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
