"""Request errors answered before or instead of GraphQL execution, shaped like GraphQL errors
so that a client reads every failure the same way."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

# The extensions.code of a request error, by HTTP status.
CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def error_response(
    status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    extensions = {"code": code or CODES.get(status, "BAD_REQUEST")}
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers, media_type="application/json")


CLOSE = {"Connection": "close"}  # a refused body is not read on: the connection cannot be reused


def too_large(limit: int) -> JSONResponse:
    return error_response(413, f"request body over {limit} bytes", headers=CLOSE)


async def close_websocket(
    scope: Scope, receive: Receive, send: Send, code: int, reason: str
) -> None:
    """Refuse a WebSocket with a close code the client can read (4401: bad token), as after
    connection_init: refusing the handshake itself would only show an HTTP 403."""
    if (await receive())["type"] != "websocket.connect":
        return
    offered = scope.get("subprotocols") or []
    known = [p for p in offered if p in (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL)]
    await send({"type": "websocket.accept", "subprotocol": known[0] if known else None})
    await send({"type": "websocket.close", "code": code, "reason": reason[:120]})
