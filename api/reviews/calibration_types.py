"""GraphQL types of the calibration from evidence (domain.reviews.calibration): the figures per
tier, the reviews drawn on, and the suggested multipliers beside the current ones."""

from __future__ import annotations

from datetime import datetime

import strawberry

from okrank.api.rankings.enums import AlignmentTierEnum
from okrank.api.rankings.types import AlignmentMultipliers
from okrank.domain.reviews.calibration import (
    MIN_ITEMS_PER_TIER,
    Calibration,
    Interval,
    Share,
    TierEvidence,
)


@strawberry.type(description="A share's Wilson score interval at 95% confidence.")
class ShareInterval:
    low: float = strawberry.field(description="Lower bound, in [0, 1].")
    high: float = strawberry.field(description="Upper bound, in [0, 1].")

    @classmethod
    def of(cls, interval: Interval | None) -> ShareInterval | None:
        return None if interval is None else cls(low=interval.low, high=interval.high)


@strawberry.type(description="How many of a tier's items were counted, and how many of them hit.")
class EvidenceShare:
    hits: int = strawberry.field(description="Items that moved (or were judged MOVED_IT).")
    count: int = strawberry.field(description="Items behind the figure.")
    share: float | None = strawberry.field(description="hits / count; null with no items.")
    interval: ShareInterval | None = strawberry.field(
        description="Wilson score interval of the share at 95%; null with no items."
    )

    @classmethod
    def of(cls, s: Share) -> EvidenceShare:
        return cls(hits=s.hits, count=s.count, share=s.value, interval=ShareInterval.of(s.interval))


@strawberry.type(
    description="What the completed reviews measured for one tier. The unit is an item outcome "
    "per tier: a done item counts once under each tier it was tagged with when it was done; it "
    "moved if any key result it was tagged to with that tier moved."
)
class TierCalibration:
    tier: AlignmentTierEnum = strawberry.field(description="DIRECT or INDIRECT.")
    items: int = strawberry.field(description="Item outcomes of this tier in the reviews.")
    moved: EvidenceShare = strawberry.field(
        description="How often the tier's items moved their key result (the move rate)."
    )
    mean_progress_change: float | None = strawberry.field(
        description="Mean progress change (share of the way from baseline to target) of the "
        "tier's items, each the mean over its key results of the tier; null with no items."
    )
    median_progress_change: float | None = strawberry.field(
        description="Median of the same; null with no items."
    )
    verdicts: EvidenceShare = strawberry.field(
        description="The reviewers' view: of the tier's items given a verdict, those judged "
        "MOVED_IT (DID_NOT and UNCLEAR count against)."
    )

    @classmethod
    def of(cls, t: TierEvidence) -> TierCalibration:
        return cls(
            tier=t.tier,
            items=t.items,
            moved=EvidenceShare.of(t.moves),
            mean_progress_change=t.mean_progress_change,
            median_progress_change=t.median_progress_change,
            verdicts=EvidenceShare.of(t.verdicts),
        )


@strawberry.type(description="A completed quarterly review the calibration drew on.")
class CalibrationReview:
    id: strawberry.ID = strawberry.field(
        description="The review's ID (cite it in recalibrateAlignmentMultipliers)."
    )
    team: str | None = strawberry.field(description="The team; null: the whole workspace.")
    cycle: str = strawberry.field(description="The cycle reviewed.")
    completed_at: datetime | None = strawberry.field(description="When it was completed.")
    items_audited: int = strawberry.field(description="Items done in the cycle, as audited.")


@strawberry.type(description="Multipliers the evidence suggests (nothing changes by itself).")
class SuggestedMultipliers:
    direct: float = strawberry.field(description="DIRECT: kept as it is.")
    indirect: float = strawberry.field(
        description="INDIRECT = DIRECT × (INDIRECT's move rate / DIRECT's), to two decimals, "
        "kept within [UNTAGGED, DIRECT]."
    )
    untagged: float = strawberry.field(description="UNTAGGED: kept as it is.")


@strawberry.type(
    description="Calibration of the alignment multipliers from the evidence of completed "
    "quarterly reviews: per tier, how often and by how much items moved their key results."
)
class AlignmentCalibration:
    tiers: list[TierCalibration] = strawberry.field(description="DIRECT, then INDIRECT.")
    reviews: list[CalibrationReview] = strawberry.field(
        description="The completed reviews drawn on, oldest first."
    )
    suggestion: SuggestedMultipliers | None = strawberry.field(
        description="The suggested multipliers; null: not enough evidence (see explanation)."
    )
    explanation: str = strawberry.field(
        description="How the suggestion follows from the evidence, or why there is none."
    )
    min_items_per_tier: int = strawberry.field(
        description=f"Items each tier needs before a suggestion is made ({MIN_ITEMS_PER_TIER})."
    )
    current: AlignmentMultipliers = strawberry.field(
        description="The multipliers in force, beside the suggestion."
    )

    @classmethod
    def of(
        cls, c: Calibration, reviews: list[CalibrationReview], current: AlignmentMultipliers
    ) -> AlignmentCalibration:
        s = c.suggestion
        return cls(
            tiers=[TierCalibration.of(t) for t in c.tiers],
            reviews=reviews,
            suggestion=None
            if s is None
            else SuggestedMultipliers(direct=s.direct, indirect=s.indirect, untagged=s.untagged),
            explanation=c.explanation,
            min_items_per_tier=MIN_ITEMS_PER_TIER,
            current=current,
        )
