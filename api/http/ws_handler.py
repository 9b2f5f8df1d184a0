"""strawberry's graphql-transport-ws handler, telling each operation where its messages go so
that a live subscription's changes can be written by the feed directly
(api.subscriptions.direct)."""

from __future__ import annotations

from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from okrank.api.http.ws_protocol import TextFrames, frames_of
from okrank.api.subscriptions.direct import LIVE_TARGET


class _Target:
    """api.subscriptions.direct.LiveTarget for one operation of one connection."""

    __slots__ = ("_handler", "_operation", "operation_id", "writer")

    def __init__(self, handler: Any, operation: Operation[Any, Any], writer: TextFrames) -> None:
        self._handler, self._operation, self.writer = handler, operation, writer
        self.operation_id = operation.id

    def open(self) -> bool:
        # The handler forgets an operation the moment the client completes it (its task is
        # cancelled later): nothing more is written for it from then on.
        return self._handler.operations.get(self.operation_id) is self._operation


class DirectFramesHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        writer = frames_of(self.websocket.ws.scope)  # in the operation's own task: its context
        if writer is not None:
            LIVE_TARGET.set(_Target(self, operation, writer))
        await super().run_operation(operation)
