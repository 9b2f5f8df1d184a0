"""The estimate that stands for an item's effort, as GraphQL shows it on each item."""

from __future__ import annotations

import strawberry

from okrank.domain.coverage.effort import EffortMeasure

EffortMeasureEnum = strawberry.enum(
    EffortMeasure,
    name="EffortMeasure",
    description="Which estimate stands for an item's effort: its RICE effort when set, else "
    "its WSJF job size, else NONE (it counts in item shares, not in effort shares). The two "
    "are in their methods' own units and are summed as given.",
)


@strawberry.type(description="An item's estimated effort and the measure it comes from.")
class EstimatedEffort:
    measure: EffortMeasureEnum = strawberry.field(description="The estimate used.")
    value: float | None = strawberry.field(description="The estimate; null for NONE.")
