"""Following an outbox for one subscriber: what every resumable subscription shares.

With a cursor, first every change after it (read from the outbox page by page), then live from
the process's feed, without gap or duplicate: the subscriber is registered with the feed before
the replay, and the cursor comparison drops what the replay already delivered. Ends with
SUBSCRIBER_OVERFLOW if the client falls too far behind (resume with the last cursor received),
and with TOKEN_EXPIRED when the token expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any
from uuid import UUID

from graphql import GraphQLError

from okrank.api.graphql.ids import decode_cursor, encode_cursor, need_uuid
from okrank.api.okrs import reads as okr_reads
from okrank.api.subscriptions.direct import direct_delivery
from okrank.api.subscriptions.mailbox import Mailbox
from okrank.api.subscriptions.ranking_feed import RankingFeed
from okrank.projections.rankings.change_stream import BEFORE_ALL, ChangeCursor, cursor_of

REPLAY_PAGE = 500
Replay = Callable[[ChangeCursor, int], Awaitable[list[Any]]]  # (after, limit) -> rows


async def objective_scope(ctx: Any, objective_id: str | None) -> UUID | None:
    """The objective a subscription is scoped to (None: the whole workspace); NOT_FOUND unless
    it is the caller's workspace's."""
    if objective_id is None:
        return None
    scope = need_uuid(objective_id, "Objective", "objectiveId")
    # A read of its own: the connection's loaders (six per connection) are not made for it.
    if not await okr_reads.objectives_by_id(ctx.pool, ctx.workspace, [scope]):
        raise GraphQLError(f"Objective {objective_id} not found", extensions={"code": "NOT_FOUND"})
    return scope


async def follow(
    ctx: Any,
    feed: RankingFeed,
    scope: UUID | None,
    after: str | None,
    replay: Replay,
    shown: Callable[[Any], bool],
    build: Callable[[Any], Any] | None = None,
) -> AsyncGenerator[Any, None]:
    """The outbox rows the subscriber is to receive, in cursor order (`shown` filters them).
    With `build` (how the resolver makes its GraphQL value from a row), a graphql-transport-ws
    subscriber, once live, has the feed write its changes directly (api.subscriptions.direct):
    this generator then only waits for the end (overflow, expiry) or a change handed back."""
    last: ChangeCursor = BEFORE_ALL
    if after:
        position, ordinal = decode_cursor(after, (int, int))
        last = (position, ordinal)
    sub = feed.subscribe(ctx.workspace, scope)
    loop = asyncio.get_running_loop()

    def wake_at_expiry() -> asyncio.TimerHandle:
        """One timer per subscriber wakes it when its token expires (not a timeout per wait)."""
        remaining = max(0.0, ctx.principal.expires_at - time.time())
        return loop.call_later(remaining, _offer_expiry, sub.queue)

    timer = wake_at_expiry()
    try:
        await feed.ready(sub)
        if after:
            while True:
                rows = await replay(last, REPLAY_PAGE)
                for row in rows:
                    last = cursor_of(row)
                    if shown(row):
                        yield row
                if len(rows) < REPLAY_PAGE:
                    break
        else:
            last = feed.last
        direct = await direct_delivery(ctx, build, shown)
        while True:
            remaining = ctx.principal.expires_at - time.time()
            if remaining <= 0:
                if ctx.websocket is not None:  # a clear close reason for the connection
                    await ctx.websocket.close(code=4401, reason="token expired")
                    return
                raise GraphQLError("token expired", extensions={"code": "TOKEN_EXPIRED"})
            if direct is not None and sub.direct is None and sub.queue.empty():
                # Everything yielded so far has been sent: the feed may write from here on.
                direct.last = last
                sub.direct = direct
            row = await sub.queue.get()
            if direct is not None and direct.last is not None:
                last = max(last, direct.last)  # what the feed wrote meanwhile
            if row is _EXPIRED:
                timer = wake_at_expiry()  # early (clocks differ): look again at expiry
                continue
            if row is None:
                raise GraphQLError(
                    "subscriber fell too far behind; resubscribe with after: <last cursor>",
                    extensions={
                        "code": "SUBSCRIBER_OVERFLOW",
                        "lastCursor": encode_cursor(list(last)),
                    },
                )
            if cursor_of(row) <= last:
                continue
            last = cursor_of(row)
            if shown(row):
                yield row
    finally:
        timer.cancel()
        sub.direct = None
        feed.unsubscribe(sub)


_EXPIRED = object()  # put in a subscriber's queue when its token's time is up


def _offer_expiry(queue: Mailbox) -> None:
    # A full queue is being drained: the subscriber sees the expiry at its next change.
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(_EXPIRED)
