"""Coverage shares from grouped counts: which class each open item falls in for a cycle, and
the shares of items and of estimated effort per class and per objective.

The read side groups the team's open items by what decides their class (their strongest tag to
an ACTIVE objective of the cycle, whether they carry a non-strategic justification, which
estimates they have) and sums their estimates; everything decided from those facts is here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from okrank.domain.coverage.effort import EffortMeasure, effort_measure
from okrank.domain.rankings.eligibility import is_eligible
from okrank.domain.rankings.scoring import Tier


class CoverageClass(StrEnum):
    DIRECT = "DIRECT"  # its strongest tag to an active objective of the cycle is DIRECT
    INDIRECT = "INDIRECT"  # … is INDIRECT
    JUSTIFIED = "JUSTIFIED"  # no such tag, but justified as necessary and non-strategic
    UNJUSTIFIED = "UNJUSTIFIED"  # neither: not eligible for planning in this cycle


LINKED = (CoverageClass.DIRECT, CoverageClass.INDIRECT)


def strongest_tier(direct: bool, indirect: bool) -> Tier | None:
    """The strongest of an item's tags in scope (DIRECT over INDIRECT), None without one."""
    if direct:
        return Tier.DIRECT
    return Tier.INDIRECT if indirect else None


def coverage_class(tier: Tier | None, justified: bool) -> CoverageClass:
    """The eligibility rule with the cycle's active objectives as the scope: eligible items are
    linked (by their strongest tag) or justified; the rest are unjustified."""
    if not is_eligible(justified, [tier is not None]):
        return CoverageClass.UNJUSTIFIED
    return CoverageClass.JUSTIFIED if tier is None else CoverageClass(tier.value)


@dataclass(frozen=True)
class Estimates:
    """Items of one group, and the sums of their estimates by measure present."""

    has_rice_effort: bool
    has_job_size: bool
    items: int
    rice_effort: float  # sum over the group's items (0 when none has one)
    job_size: float

    @property
    def measure(self) -> EffortMeasure:
        return effort_measure(self.has_rice_effort, self.has_job_size)

    @property
    def effort(self) -> float:
        """The group's effort by the measure that stands for each of its items."""
        if self.measure == EffortMeasure.RICE_EFFORT:
            return self.rice_effort
        return self.job_size if self.measure == EffortMeasure.WSJF_JOB_SIZE else 0.0


@dataclass(frozen=True)
class ItemGroup:
    """Open items sharing their tags in scope (`direct`, `indirect`) and justification."""

    direct: bool
    indirect: bool
    justified: bool
    estimates: Estimates


@dataclass(frozen=True)
class ObjectiveGroup:
    """Open items tagged `tier` to one active objective of the cycle."""

    objective_id: UUID
    tier: Tier
    estimates: Estimates


@dataclass
class Tally:
    items: int = 0
    effort: float = 0.0

    def add(self, estimates: Estimates) -> None:
        self.items += estimates.items
        self.effort += estimates.effort


@dataclass(frozen=True)
class Share:
    """A part of the team's open items: counts beside fractions of the whole (0 when the whole
    is 0: nothing to share)."""

    items: int
    item_share: float
    effort: float
    effort_share: float


@dataclass(frozen=True)
class ObjectiveShare:
    objective_id: UUID
    share: Share  # items tagged to it at any tier (an item may count under several objectives)
    by_tier: dict[Tier, Share]  # DIRECT and INDIRECT


@dataclass(frozen=True)
class Coverage:
    items: int  # the team's open items
    effort: float  # their estimated effort
    linked: Share  # DIRECT + INDIRECT: each item once
    by_class: dict[CoverageClass, Share]
    by_objective: list[ObjectiveShare]
    by_measure: dict[EffortMeasure, Tally] = field(default_factory=dict)


def share_of(part: Tally, whole: Tally) -> Share:
    return Share(
        items=part.items,
        item_share=part.items / whole.items if whole.items else 0.0,
        effort=part.effort,
        effort_share=part.effort / whole.effort if whole.effort else 0.0,
    )


def coverage(
    items: Iterable[ItemGroup],
    objectives: Iterable[ObjectiveGroup],
    listed_objectives: Iterable[UUID] = (),
) -> Coverage:
    """Shares of the groups' items and effort by class and by objective. `listed_objectives`
    are listed even with no item (the team's own active objectives of the cycle), first, in
    the order given; the others follow in the order of their first group."""
    whole = Tally()
    classes = {c: Tally() for c in CoverageClass}
    measures = {m: Tally() for m in EffortMeasure}
    for g in items:
        whole.add(g.estimates)
        tier = strongest_tier(g.direct, g.indirect)
        classes[coverage_class(tier, g.justified)].add(g.estimates)
        measures[g.estimates.measure].add(g.estimates)
    per_objective: dict[UUID, dict[Tier, Tally]] = {
        o: {Tier.DIRECT: Tally(), Tier.INDIRECT: Tally()} for o in listed_objectives
    }
    for o in objectives:
        tiers = per_objective.setdefault(
            o.objective_id, {Tier.DIRECT: Tally(), Tier.INDIRECT: Tally()}
        )
        tiers[o.tier].add(o.estimates)
    linked = Tally(sum(classes[c].items for c in LINKED), sum(classes[c].effort for c in LINKED))
    return Coverage(
        items=whole.items,
        effort=whole.effort,
        linked=share_of(linked, whole),
        by_class={c: share_of(t, whole) for c, t in classes.items()},
        by_objective=[
            ObjectiveShare(
                objective_id=o,
                share=share_of(
                    Tally(
                        sum(t.items for t in tiers.values()),
                        sum(t.effort for t in tiers.values()),
                    ),
                    whole,
                ),
                by_tier={tier: share_of(t, whole) for tier, t in tiers.items()},
            )
            for o, tiers in per_objective.items()
        ],
        by_measure=measures,
    )
