"""uvicorn's httptools protocol with a deadline and a size cap on request headers.

uvicorn bounds an idle keep-alive connection (timeout_keep_alive) but not one that is sending a
request's headers: a client that opens a connection and sends nothing, or half a header, or
one byte a second, held it forever, with no token needed. Here each request's headers must be
complete within `header_timeout` seconds of the connection (or of the request's first byte on
a kept-alive one) and within `max_header_bytes`; otherwise the connection is answered and
closed. Bodies are bounded in the application (api.request_body), idle connections by
uvicorn's keep-alive timeout.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from okrank.api.http.limits import http_limits

TIMEOUT_RESPONSE = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
TOO_LARGE_RESPONSE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-length: 0\r\nconnection: close\r\n\r\n"
)


class GuardedHttpProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = http_limits()
        self.header_timeout = limits.header_timeout
        self.max_header_bytes = limits.max_header_bytes
        self.header_deadline: asyncio.TimerHandle | None = None
        self.header_bytes = 0

    def _arm(self) -> None:
        if self.header_deadline is None:
            self.header_bytes = 0
            self.header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _refuse(self, response: bytes) -> None:
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or self.cycle.response_complete:  # not inside another response
            self.transport.write(response)
        self.transport.close()

    def _too_slow(self) -> None:
        self.header_deadline = None
        self._refuse(TIMEOUT_RESPONSE)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that sends nothing at all is bounded too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Still inside a request's headers after parsing this chunk (a chunk that completes
        # them disarms the deadline): count it towards the header size.
        if self.header_deadline is not None:
            self.header_bytes += len(data)
            if self.header_bytes > self.max_header_bytes:
                self._refuse(TOO_LARGE_RESPONSE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
