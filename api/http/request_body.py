"""Reading a request body with a size limit and a deadline, before the application sees it.

A client that sends its body slowly (or never finishes it) would otherwise hold a connection
and a task for as long as it likes; one that streams a chunked body without Content-Length
would otherwise be read until memory runs out.
"""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


async def read_body(receive: Receive, max_bytes: int, timeout: float) -> Receive:
    """Read the whole body (at most max_bytes, within timeout seconds) and return a receive
    that replays it as one message, then passes on what follows (a disconnect)."""
    chunks: list[bytes] = []
    size = 0
    last: Message | None = None
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    last = message  # the client went away: let the application see it
                    break
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLarge
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
    except TimeoutError:
        raise BodyTimeout from None
    pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]
    if last is not None:
        pending = [last]

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
