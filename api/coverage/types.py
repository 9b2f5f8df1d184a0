"""GraphQL types of the coverage dashboard: shares with their counts, per class and objective."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.coverage.effort_types import EffortMeasureEnum
from okrank.api.okrs.types import Objective
from okrank.domain.coverage import shares
from okrank.domain.rankings.scoring import Tier


@strawberry.type(
    description="A part of the items measured: how many and their estimated effort, each "
    "beside its share (a fraction 0–1) of all the items measured and of their effort; a "
    "share of nothing (no items, or no effort) is 0."
)
class CoverageShare:
    items: int = strawberry.field(description="Items in this part.")
    item_share: float = strawberry.field(description="items / the items measured.")
    effort: float = strawberry.field(description="Their estimated effort (see EffortMeasure).")
    effort_share: float = strawberry.field(description="effort / the items' effort.")

    @classmethod
    def of(cls, s: shares.Share) -> CoverageShare:
        return cls(
            items=s.items, item_share=s.item_share, effort=s.effort, effort_share=s.effort_share
        )


@strawberry.type(description="One active objective's part of the items measured.")
class ObjectiveCoverage:
    share: CoverageShare = strawberry.field(
        description="Items tagged to it (either tier). An item tagged to several objectives "
        "counts under each, so these shares may add up to more than `linked`."
    )
    direct: CoverageShare = strawberry.field(description="Items tagged DIRECT to it.")
    indirect: CoverageShare = strawberry.field(description="Items tagged INDIRECT to it.")
    objective_id: strawberry.Private[UUID]

    @strawberry.field(description="The objective.")
    async def objective(self, info: Info) -> Objective:
        return Objective.from_row(await info.context.loaders.objective.load(self.objective_id))


@strawberry.type(description="Items and effort estimated by one measure.")
class MeasureCount:
    measure: EffortMeasureEnum = strawberry.field(description="The measure.")
    items: int = strawberry.field(description="Items whose effort it gives.")
    effort: float = strawberry.field(description="Their summed estimates (0 for NONE).")


@strawberry.type(
    description="How much of a set of items serves the ACTIVE objectives of a cycle: a team's "
    "open backlog (coverage: every status but DONE and ARCHIVED; NOT_NOW and DISCOVERY items "
    "are open) or a sprint's planned items (sprintCoverage: whatever their status). Linked: "
    "tagged to an ACTIVE objective of the cycle (of any team or level); an item's tier is its "
    "strongest such tag. The other items are justified (necessary but non-strategic: eligible "
    "for planning) or unjustified. direct + indirect + justified + unjustified is every item "
    "once. Effort: each item's RICE effort, else its WSJF job size (see `estimates`). Tags and "
    "objective states are today's, also for past sprints."
)
class Coverage:
    team: str = strawberry.field(description="The team whose items are measured.")
    cycle: str = strawberry.field(description="The cycle whose active objectives count.")
    items: int = strawberry.field(description="The items measured.")
    effort: float = strawberry.field(description="Their estimated effort.")
    linked: CoverageShare = strawberry.field(
        description="Items linked to an active objective of the cycle (direct + indirect)."
    )
    direct: CoverageShare = strawberry.field(description="Linked, strongest tag DIRECT.")
    indirect: CoverageShare = strawberry.field(description="Linked, strongest tag INDIRECT.")
    justified: CoverageShare = strawberry.field(
        description="Not linked, but justified as necessary and non-strategic."
    )
    unjustified: CoverageShare = strawberry.field(
        description="Neither linked nor justified: candidates for the OKR filter's NO."
    )
    by_objective: list[ObjectiveCoverage] = strawberry.field(
        description="Per active objective of the cycle with linked items, and every active "
        "objective of the team in the cycle even without any, oldest objective first."
    )
    estimates: list[MeasureCount] = strawberry.field(
        description="How the items' effort was estimated: per measure, items and effort."
    )

    @classmethod
    def of(cls, team: str, cycle: str, c: shares.Coverage) -> Coverage:
        by_class = {k: CoverageShare.of(s) for k, s in c.by_class.items()}
        return cls(
            team=team,
            cycle=cycle,
            items=c.items,
            effort=c.effort,
            linked=CoverageShare.of(c.linked),
            direct=by_class[shares.CoverageClass.DIRECT],
            indirect=by_class[shares.CoverageClass.INDIRECT],
            justified=by_class[shares.CoverageClass.JUSTIFIED],
            unjustified=by_class[shares.CoverageClass.UNJUSTIFIED],
            by_objective=[
                ObjectiveCoverage(
                    share=CoverageShare.of(o.share),
                    direct=CoverageShare.of(o.by_tier[Tier.DIRECT]),
                    indirect=CoverageShare.of(o.by_tier[Tier.INDIRECT]),
                    objective_id=o.objective_id,
                )
                for o in c.by_objective
            ],
            estimates=[
                MeasureCount(measure=m, items=t.items, effort=t.effort)
                for m, t in c.by_measure.items()
            ],
        )


@strawberry.type(description="One sprint of a team's cycle and the coverage of its planned items.")
class SprintCoverage:
    sprint_id: strawberry.ID = strawberry.field(description="The sprint's ID.")
    start_date: date = strawberry.field(description="Its first day.")
    end_date: date = strawberry.field(description="Its last day.")
    goal: str = strawberry.field(description="Its sprint goal.")
    coverage: Coverage = strawberry.field(description="Coverage of the items planned into it.")
