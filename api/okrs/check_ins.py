"""GraphQL of key-result check-ins: the check-in type and a key result's history of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.graphql.pagination import after_key, connection, list_types, page_size
from okrank.api.graphql.rows import from_row
from okrank.api.okrs import reads


@strawberry.type(description="A key result's measured value at a check-in (e.g. a sprint review).")
class CheckIn:
    value: float = strawberry.field(description="The key result's value measured then.")
    confidence: float = strawberry.field(
        description="The team's confidence, 0–1, of reaching the target by the end of the cycle."
    )
    note: str = strawberry.field(description="What the team said about it ('' for none).")
    checked_in_at: datetime = strawberry.field(description="When the check-in was recorded.")
    checked_in_by: str = strawberry.field(description="Subject who checked in.")

    @classmethod
    def from_row(cls, r: Any) -> CheckIn:
        return from_row(cls, r)


CheckInEdge, CheckInConnection = list_types(
    CheckIn, "check-in", page_about="A page of a key result's check-ins, newest first."
)


async def check_ins_connection(
    info: Info, loaders: Any, key_result_id: UUID, first: int, after: str | None
) -> Any:
    """`loaders`: the live ones, or a moment's (api.asof). Later pages read the check-in table:
    they hold check-ins older than their cursor, which came from a page of the same moment, and
    check-ins are never changed, so they are the same then and now."""
    limit = page_size(first)
    ctx = info.context
    if after is None:  # the first page: batched across the request's key results
        rows = await loaders.first_check_ins.load((key_result_id, limit + 1))
    else:
        rows = await reads.check_ins_page(
            ctx.pool, ctx.workspace, key_result_id, after_key(after), limit + 1
        )
    return connection(
        CheckInConnection, CheckInEdge, CheckIn.from_row, "position", rows, limit, after
    )
