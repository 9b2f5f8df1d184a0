"""The /graphql gate: authenticates each request and bounds its body before strawberry sees it."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from okrank.api.auth import AuthError, AuthUnavailable, bearer
from okrank.api.auth.authenticator import Authenticator
from okrank.api.http import import_route
from okrank.api.http.errors import CLOSE, close_websocket, error_response, too_large
from okrank.api.http.headers import header
from okrank.api.http.limits import HttpLimits, http_limits
from okrank.api.http.request_body import BodyTimeout, BodyTooLarge, read_body
from okrank.api.http.unavailable import CODE as UNAVAILABLE_CODE
from okrank.api.http.unavailable import HEADERS as UNAVAILABLE_HEADERS
from okrank.api.limits.settings import SETTINGS


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
        if scope["type"] == "http":
            if (
                SETTINGS.graphiql
                and scope["method"] == "GET"
                and "text/html" in (header(scope, b"accept") or "")
                and (not scope.get("query_string"))
            ):
                return await self.app(scope, receive, send)
            length = header(scope, b"content-length")
            limit = self._body_limit(scope)
            if length is not None and (not length.isdigit() or int(length) > limit):
                return await too_large(limit)(scope, receive, send)
        authorization = header(scope, b"authorization")
        if scope["type"] == "websocket" and authorization is None:
            return await self.app(scope, receive, send)  # token comes in connection_init
        try:
            token = bearer(authorization)
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
