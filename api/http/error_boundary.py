"""The outermost guard against an unexpected failure."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from okrank.api.http.errors import error_response

log = logging.getLogger("okrank.api")


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
