"""Live changes written by the feed itself, as pre-encoded bytes, to each WebSocket subscriber.

Why: with one rendering per change and selection (shared_render), what was left per receipt was
the path around it: waking the subscriber's task, graphql-core's and strawberry's async
generators, strawberry's result handling and message framing, JSON-encoding the same message
again and the ASGI send (~135 µs). Here, once a graphql-transport-ws subscriber is live (its
replay sent, its queue empty), the feed hands it each change and it writes the `next` frame
straight to the connection: the change's data encoded once per selection, spliced between the
subscriber's own head (`{"id":…,"type":"next","payload":{"data":`) and tail (its `extensions`),
byte for byte what strawberry would send.

Anything unusual hands the change back to the ordinary path (the subscriber's queue and task)
and stays there until the queue is empty again, so order holds: a rendering with errors or one
that is not done at once, a token that has expired, a connection that is closing or compresses,
an operation the client completed. A connection whose client does not read is cut off as a
queue would be: more than QUEUE_LIMIT frames written while its socket buffer is full ends the
subscription with SUBSCRIBER_OVERFLOW (resume from `lastCursor`, the last change written).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import Any, Protocol

import orjson
from graphql import ExecutionResult, OperationType

from okrank.api.subscriptions.ranking_feed import OVERFLOW, QUEUE_LIMIT, REFUSED, WRITTEN
from okrank.api.subscriptions.shared_row import SharedRow, shared_value
from okrank.projections.rankings.change_stream import ChangeCursor, cursor_of


class FrameWriter(Protocol):
    """A WebSocket connection's way to write a whole text frame now (api.http.ws_protocol)."""

    def send_text(self, data: bytes) -> bool:
        """False: the connection cannot take it (closing, compressing)."""

    @property
    def backlog(self) -> int:
        """Frames written while the socket's buffer is full."""


class LiveTarget(Protocol):
    """Where one graphql-transport-ws operation's messages go (api.http.ws_handler)."""

    operation_id: str
    writer: FrameWriter

    def open(self) -> bool:
        """False once the client completed the operation or the connection ended."""


# Set by the WebSocket handler in each operation's task, by the schema and the executor while
# the subscription is set up: what direct delivery needs, found without strawberry's help.
LIVE_TARGET: contextvars.ContextVar[LiveTarget | None] = contextvars.ContextVar(
    "okrank_live_target", default=None
)
EXTENSIONS_RUNNER: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "okrank_extensions_runner", default=None
)
SUBSCRIPTION_EXECUTOR: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "okrank_subscription_executor", default=None
)


def note_executor(executor: Any) -> None:
    """Called as an executor is built: a subscription's is the one its events execute with."""
    if executor.operation.operation is OperationType.SUBSCRIPTION:
        SUBSCRIPTION_EXECUTOR.set(executor)


class DirectDelivery:
    __slots__ = (
        "build",
        "executor",
        "expires_at",
        "head",
        "key",
        "last",
        "shown",
        "tail",
        "target",
        "writer",
    )

    def __init__(
        self,
        target: LiveTarget,
        executor: Any,
        key: Any,
        extensions: dict[str, Any],
        build: Callable[[Any], Any],
        shown: Callable[[Any], bool],
        expires_at: float,
    ) -> None:
        self.target, self.writer, self.executor, self.key = target, target.writer, executor, key
        self.build, self.shown, self.expires_at = build, shown, expires_at
        self.head = b'{"id":%b,"type":"next","payload":{"data":' % orjson.dumps(target.operation_id)
        # strawberry sends `extensions` only when there are some.
        self.tail = b',"extensions":%b}}' % orjson.dumps(extensions) if extensions else b"}}"
        self.last: ChangeCursor | None = None  # the last change handled here

    def offer(self, row: Any) -> int:
        cursor = cursor_of(row)
        if self.last is not None and cursor <= self.last:
            return WRITTEN  # the replay or the ordinary path already delivered it
        if not self.shown(row):
            self.last = cursor
            return WRITTEN
        if time.time() >= self.expires_at or not self.target.open():
            return REFUSED
        if self.writer.backlog >= QUEUE_LIMIT:
            return OVERFLOW
        data = self._data(row)
        if data is None or not self.writer.send_text(self.head + data + self.tail):
            return REFUSED
        self.last = cursor
        return WRITTEN

    def _data(self, row: Any) -> bytes | None:
        """The change's `data` as JSON for this selection, encoded once per key and row."""
        if not isinstance(row, SharedRow):
            return None
        found = row.frames.get(self.key)
        if found is not None and found[0] is self.executor.operation:
            return found[1]
        value = shared_value(row, self.build)
        result = self.executor.build_per_event_executor(value).execute_operation(False)
        if not isinstance(result, ExecutionResult) or result.errors:
            return None  # the ordinary path reports it
        try:
            data = orjson.dumps(result.data)
        except TypeError:  # an int beyond 64 bits: the ordinary path's encoder takes it
            return None
        row.frames[self.key] = (self.executor.operation, data)
        return data


async def direct_delivery(
    ctx: Any, build: Callable[[Any], Any] | None, shown: Callable[[Any], bool]
) -> DirectDelivery | None:
    """Direct delivery for this subscription, if it is a graphql-transport-ws one on a
    connection that can take pre-encoded frames; None: the ordinary path only."""
    target, executor = LIVE_TARGET.get(), SUBSCRIPTION_EXECUTOR.get()
    runner = EXTENSIONS_RUNNER.get()
    if build is None or target is None or executor is None or runner is None:
        return None
    if executor.context_value is not ctx:  # another operation's (not expected)
        return None
    key = executor.render_key()
    if key is None:
        return None
    try:
        extensions = await runner.get_extensions_results(runner.execution_context)
        orjson.dumps(extensions)
    except Exception:  # an extension's figures that do not encode: the ordinary path
        return None
    return DirectDelivery(target, executor, key, extensions, build, shown, ctx.principal.expires_at)
