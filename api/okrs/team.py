"""A team's OKRs in one cycle: its objectives, its attainment and its hygiene warnings."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.health.queries import metrics_connection
from okrank.api.health.types import HealthMetricConnection
from okrank.api.okrs import reads
from okrank.api.okrs.hygiene import OkrWarning, team_warnings
from okrank.api.okrs.types import GRADE_MEANING, Objective, key_result_grade
from okrank.domain.okrs.grading import attainment, mean_grade
from okrank.domain.okrs.objective import ObjectiveStatus

GRADED = (ObjectiveStatus.ACTIVE.value, ObjectiveStatus.CLOSED.value)  # committed to


@strawberry.type(description="A team's OKRs in one cycle.")
class Team:
    name: str = strawberry.field(description="The team, as objectives name it.")
    cycle: str = strawberry.field(description="The cycle: a quarter (2026-Q3) or a year.")
    rows: strawberry.Private[list[Any]]

    @strawberry.field(description="The team's objectives in the cycle, oldest first.")
    def objectives(self) -> list[Objective]:
        return [Objective.from_row(r) for r in self.rows]

    @strawberry.field(
        description="Mean grade (0.0–1.0) of the team's ACTIVE and CLOSED objectives in the "
        "cycle that have key results (DRAFT and ARCHIVED ones are not counted); null if there "
        "is none. " + GRADE_MEANING
    )
    async def attainment(self, info: Info) -> float | None:
        graded = [r["id"] for r in self.rows if r["status"] in GRADED]
        key_results = await info.context.loaders.key_results.load_many(graded)
        return attainment(mean_grade([key_result_grade(k) for k in ks]) for ks in key_results)

    @strawberry.field(
        description="The team's own hygiene warnings in the cycle (too many active key "
        "results, too many objectives); each objective's are on its `hygiene`."
    )
    async def hygiene(self, info: Info) -> list[OkrWarning]:
        return [
            OkrWarning.of(w)
            for w in await team_warnings(info.context.loaders, self.name, self.cycle)
        ]

    @strawberry.field(
        description="The team's health metrics (archived ones left out), oldest first: the "
        "signals kept in sight beside its OKRs."
    )
    async def health_metrics(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> HealthMetricConnection:
        return await metrics_connection(info, self.name, False, first, after)


async def load_team(info: Info, name: str, cycle: str) -> Team:
    ctx = info.context
    return Team(
        name=name,
        cycle=cycle,
        rows=await reads.team_objectives(ctx.pool, ctx.workspace, name, cycle),
    )
