"""A queue with one reader, for what every WebSocket subscriber holds while it stays: its
changes waiting for its task (api.subscriptions.ranking_feed) and its connection's incoming
messages (api.http.ws_protocol). asyncio.Queue's surface, as much of it as those use.

Why not asyncio.Queue: both stay mostly empty for a connection's lifetime (once live, the feed
writes changes directly: api.subscriptions.direct), and an asyncio.Queue is four deques and an
Event (~2.5 KB); this holds a deque only while something waits in it and a future only while
its reader waits.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class Mailbox:
    __slots__ = ("_items", "_waiter", "maxsize")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: deque[Any] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def qsize(self) -> int:
        return len(self._items) if self._items else 0

    def empty(self) -> bool:
        return not self._items

    def full(self) -> bool:
        return self.qsize() >= self.maxsize

    def put_nowait(self, item: Any) -> None:
        """asyncio.QueueFull when `maxsize` items wait already."""
        if self.full():
            raise asyncio.QueueFull
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def get_nowait(self) -> Any:
        """asyncio.QueueEmpty when nothing waits."""
        if not self._items:
            raise asyncio.QueueEmpty
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self.get_nowait()
