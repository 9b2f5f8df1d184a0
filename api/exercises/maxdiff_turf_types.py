"""GraphQL type and resolver of TURF over a closed MaxDiff exercise's individual utilities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import numpy as np
import strawberry

from okrank.api.exercises import reads
from okrank.api.graphql.ids import bad_input
from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.turf import turf


@strawberry.type(
    description="TURF: the combination of items that reaches the most respondents (a "
    "respondent is reached when one of the items is among their `top` most preferred)."
)
class TurfResult:
    backlog_item_ids: list[strawberry.ID] = strawberry.field(description="The combination.")
    reach: float = strawberry.field(description="Share of respondents reached (0–1).")
    frequency: float = strawberry.field(
        description="Mean number of the combination's items among a respondent's top."
    )
    exhaustive: bool = strawberry.field(
        description="Every combination was tried (else a greedy search, at least 63% of the "
        "best reach)."
    )


async def turf_of(
    ctx: Any, exercise_id: UUID, size: int, top: int, item_id: Callable[[UUID], strawberry.ID]
) -> TurfResult | None:
    rows = await reads.respondent_utilities(ctx.pool, ctx.workspace, exercise_id)
    if not rows:
        return None
    items = sorted(rows[0])
    try:
        found = turf([np.array([r.get(i, 0.0) for i in items]) for r in rows], size, top)
    except ValidationError as e:
        raise bad_input(e.message) from None
    return TurfResult(
        backlog_item_ids=[item_id(UUID(items[i])) for i in found.items],
        reach=found.reach,
        frequency=found.frequency,
        exhaustive=found.exhaustive,
    )
