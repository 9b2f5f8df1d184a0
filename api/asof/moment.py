"""`asOf`: the argument, its bad values, and the moment of the workspace's log it names.

The moment is the workspace's last event recorded at or before `asOf` (binary search over the
workspace's events in log order, by each stored event's own timestamp: about log2(N) single-row
reads). Events are timestamped as they are made and stored in that order, so the timestamps
follow the log; a moment is therefore what the live reads answered once that event applied.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from okrank.api.asof.store import LOG_END, TOPICS, Moment, chain_head, chained_event
from okrank.api.graphql.arguments import datetime_argument

AS_OF = (
    "The state as it was at this moment, computed from the event store: the events recorded "
    "at or before it, with the multipliers and tags in force then. Omit for the current state."
)
AsOf = Annotated[datetime | None, strawberry.argument(description=AS_OF)]  # the argument's type


def as_of_error(message: str) -> GraphQLError:
    """A bad `asOf`: BAD_USER_INPUT naming the argument."""
    return GraphQLError(
        f"asOf {message}", extensions={"code": "BAD_USER_INPUT", "argument": "asOf"}
    )


async def moment_at(info: Info, as_of: datetime) -> Moment:
    """The moment `as_of` names in the caller's workspace; an error for a time in the future or
    before the workspace's first event."""
    at = datetime_argument("asOf", as_of)
    assert at is not None
    if at > datetime.now(UTC):
        raise as_of_error("is in the future: time travel answers only for past moments")
    ctx = info.context
    moment, latest = await _search(info, at)
    if latest:
        # At or after the newest chained event: events just recorded may not be chained yet.
        # Wait (briefly, as read-your-writes does) for the views to reach the log's end.
        async with ctx.pool.acquire() as conn:
            log_end = await conn.fetchval(LOG_END)
        if log_end and log_end > moment.position:
            await ctx.services.progress.wait(log_end, TOPICS)
            moment, _ = await _search(info, at)
    return moment


async def _search(info: Info, at: datetime) -> tuple[Moment, bool]:
    """The workspace's last chained event at or before `at` (binary search), and whether it
    is the newest chained event."""
    ctx = info.context
    app, workspace = ctx.services.app, ctx.workspace
    async with ctx.pool.acquire() as conn:
        head = await chain_head(conn, workspace)
        first = await chained_event(conn, app, workspace, 1) if head else None
        if first is None or first[1].timestamp > at:
            since = f" (it began at {first[1].timestamp.isoformat()})" if first else ""
            raise as_of_error(f"is before the workspace existed{since}")
        low, low_position = 1, first[0]  # recorded at or before `at`
        high = head + 1  # the first event known to be after `at` (head + 1: none)
        while high - low > 1:
            middle = (low + high) // 2
            position, event = await chained_event(conn, app, workspace, middle)
            if event.timestamp <= at:
                low, low_position = middle, position
            else:
                high = middle
    return Moment(low, low_position), low == head
