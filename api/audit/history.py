"""Entity history: every recorded change of one aggregate, read from the event store itself.

Each change is one stored event of the aggregate (objective, backlog item, exercise, or the
workspace with its multipliers), decoded by the application's own mapper, so the history is
the log and not a read model's summary of it. Pages are keyed by the aggregate's version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from okrank.api.graphql.pagination import after_key, connection, connection_types, page_size
from okrank.domain.application import OkrankApplication
from okrank.domain.audit.chain import StoredEventRow
from okrank.domain.audit.changes import decode_change, field_json
from okrank.projections.audit.chain_view import EVENTS_TABLE

HISTORY = (
    "Every recorded change, read from the event store: the event and its fields, actor, time, "
    "reason and log position; oldest first, or newest first with `newestFirst`."
)

OLDEST_FIRST = (
    f"SELECT notification_id, originator_version, topic, state FROM {EVENTS_TABLE}"
    " WHERE originator_id = $1 AND originator_version > $2 ORDER BY originator_version LIMIT $3"
)
NEWEST_FIRST = (
    f"SELECT notification_id, originator_version, topic, state FROM {EVENTS_TABLE}"
    " WHERE originator_id = $1 AND originator_version < $2"
    " ORDER BY originator_version DESC LIMIT $3"
)


@strawberry.type(description="One field of a recorded change.")
class ChangeField:
    name: str = strawberry.field(description="The event field's name, as stored.")
    value: str = strawberry.field(description="Its value as JSON text.")


@strawberry.type(description="One recorded change: an event of the object, as stored in the log.")
class Change:
    event: str = strawberry.field(description="The event's name (Created, Tagged, …).")
    version: int = strawberry.field(description="The object's version after this change.")
    position: int = strawberry.field(description="The event's position in the whole log.")
    actor: str | None = strawberry.field(description="Who made the change.")
    at: datetime = strawberry.field(description="When it was recorded.")
    reason: str | None = strawberry.field(description="Why, if the change carries a reason.")
    fields: list[ChangeField] = strawberry.field(
        description="The event's fields (before and after values where the event holds both)."
    )
    withheld: list[str] = strawberry.field(
        description="Fields left out for the caller: an individual ballot or imported "
        "responses, which only the exercise's owners see."
    )


ChangeEdge, ChangeConnection = connection_types(
    Change,
    page_about="A page of an object's recorded changes.",
    edge_about="A page of changes.",
    node_is="The change.",
    edges_are="The changes on this page.",
    cursor="Pass as `after` for the next page.",
    page_info_is="Where this page is.",
)


def _changes(
    app: OkrankApplication, originator_id: UUID, rows: Sequence[Any], withheld: frozenset[str]
) -> list[dict[str, Any]]:
    changes = []
    for r in rows:
        row = StoredEventRow(
            r["notification_id"],
            originator_id,
            r["originator_version"],
            r["topic"],
            bytes(r["state"]),
        )
        change = decode_change(app.mapper, row)
        values = change.values
        changes.append(
            {
                "version": r["originator_version"],
                "change": Change(
                    event=change.event,
                    version=r["originator_version"],
                    position=r["notification_id"],
                    actor=change.actor,
                    at=change.at,
                    reason=change.reason,
                    fields=[
                        ChangeField(name=k, value=field_json(v))
                        for k, v in values.items()
                        if k not in withheld
                    ],
                    withheld=sorted(withheld & values.keys()),
                ),
            }
        )
    return changes


async def entity_history(
    info: Info,
    originator_id: UUID,
    first: int,
    after: str | None,
    newest_first: bool,
    withheld: frozenset[str] = frozenset(),
) -> ChangeConnection:
    """A page of the aggregate's events; the caller has checked it is in the workspace."""
    limit = page_size(first)
    key = after_key(after)
    ctx = info.context
    if newest_first:
        rows = await ctx.pool.fetch(NEWEST_FIRST, originator_id, key or 2**62, limit + 1)
    else:
        rows = await ctx.pool.fetch(OLDEST_FIRST, originator_id, key or 0, limit + 1)
    changes = await run_in_threadpool(_changes, ctx.services.app, originator_id, rows, withheld)
    return connection(
        ChangeConnection, ChangeEdge, lambda c: c["change"], "version", changes, limit, after
    )


def history_field(ident: Callable[[Any, Info], UUID], description: str = HISTORY) -> Any:
    """The `history` field of an object type: `ident(obj, info)` names its aggregate."""

    async def resolve(
        self: Any, info: Info, first: int = 50, after: str | None = None, newest_first: bool = False
    ) -> ChangeConnection:
        return await entity_history(info, ident(self, info), first, after, newest_first)

    return strawberry.field(resolver=resolve, description=description)
