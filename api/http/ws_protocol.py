"""uvicorn's WebSocket protocol, offering the application a way to write a whole text frame
from bytes already encoded (ASGI scope extension `okrank.frames`).

Why: the live feed writes each change to up to thousands of connections; through ASGI each
write was a coroutine, an event dict, a str round trip and websockets' frame building. A server
text frame is a 2-10 byte header and the payload (RFC 6455 §5.2: no mask from a server), written
here with one transport write, as uvicorn writes its own frames (never interleaved: both write a
whole frame at once, in the event loop). Without compression only: a negotiated per-message
deflate keeps per-connection state, so such a connection refuses and its subscribers take the
ordinary path.
"""

from __future__ import annotations

import struct
import sys
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from okrank.api.subscriptions.mailbox import Mailbox

FRAMES_EXTENSION = "okrank.frames"


def _header(length: int) -> bytes:
    if length < 126:
        return bytes((0x81, length))  # FIN + text, then the length itself
    if length < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, length)
    return struct.pack("!BBQ", 0x81, 127, length)


class TextFrames:
    """One connection's frame writer (api.subscriptions.direct.FrameWriter)."""

    __slots__ = ("_paused", "_protocol")

    def __init__(self, protocol: FrameWritingProtocol) -> None:
        self._protocol = protocol
        self._paused = 0  # frames written since the socket buffer filled up

    @property
    def backlog(self) -> int:
        if self._protocol.writable.is_set():  # the buffer drained below its low mark
            self._paused = 0
        return self._paused

    def send_text(self, data: bytes) -> bool:
        protocol = self._protocol
        if protocol.close_sent or protocol.disconnected or protocol.conn.extensions:
            return False
        transport = protocol.transport
        if transport.is_closing():
            return False
        transport.write(_header(len(data)) + data)
        if not protocol.writable.is_set():
            self._paused += 1
        return True


class FrameWritingProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The application's incoming messages (one reader: receive()), unbounded as uvicorn's
        # (reading pauses instead), without asyncio.Queue's four deques per connection.
        self.queue = Mailbox(sys.maxsize)  # type: ignore[assignment]

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        # The parsed handshake request stays referenced for the connection's lifetime (by
        # uvicorn and by websockets' parser), though the scope now holds all of it the
        # application sees: its headers were ~5 KB of every idle subscriber.
        self.request = None
        event.headers.clear()
        scope = getattr(self, "scope", None)  # set once the handshake is accepted
        if scope is not None:
            scope["extensions"][FRAMES_EXTENSION] = TextFrames(self)

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            self.response = None  # sent: only the handshake needed it


def frames_of(scope: Any) -> TextFrames | None:
    """The connection's frame writer, if its server offers one (not under a test client)."""
    return (scope.get("extensions") or {}).get(FRAMES_EXTENSION)
