"""Calibration of the alignment multipliers from evidence: the completed reviews' outcome audits.

The seed warns that the alignment multiplier "is subjective and can be gamed; it needs periodic
calibration". The evidence is what the completed quarterly reviews measured (their final
OutcomeAudit, domain.reviews.outcomes), per tier:

- The unit is an *item outcome per tier*: a done item of a review's audit counts once under each
  tier it was tagged with when it was done (DIRECT and/or INDIRECT). Under that tier it moved if
  any key result it was tagged to with that tier moved, and its progress change is the mean of
  those key results' progress changes. An item audited by two reviews (a team's and the whole
  workspace's, or done again in a later cycle) counts in each: each review is its own evidence.
- The move rate is moved / items, with its Wilson score interval at 95% (z = 1.959964): unlike
  the normal approximation it stays within [0, 1] and is honest for the few items a quarter has.
- The mean and median progress change (a share of the way from baseline to target) say by how
  much.
- A second view, the reviewers' own: of the tier's items given a verdict, the share judged
  MOVED_IT (DID_NOT and UNCLEAR count against), with its Wilson interval.

The suggested multipliers (nothing changes automatically; an admin may cite the reviews when
recalibrating): DIRECT and UNTAGGED stay as they are; INDIRECT is set so that INDIRECT / DIRECT
equals INDIRECT's move rate / DIRECT's, rounded to two decimals and kept within [UNTAGGED,
DIRECT] (the multipliers never reward weaker alignment). No suggestion while either tier has
fewer than MIN_ITEMS_PER_TIER items, or while no DIRECT item moved (there is no rate to compare
with): the answer then says "not enough evidence" and why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean, median
from uuid import UUID

from okrank.domain.commands import Aggregates
from okrank.domain.errors import ValidationError
from okrank.domain.rankings.scoring import Multipliers, Tier
from okrank.domain.reviews.outcomes import OutcomeAudit
from okrank.domain.reviews.review import ItemVerdict, QuarterlyReview, ReviewPhase

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile: a two-sided 95% interval
MIN_ITEMS_PER_TIER = 10  # below this a move rate's 95% interval is wider than ±0.25 or so
TIERS = (Tier.DIRECT, Tier.INDIRECT)  # the tiers a tag carries (UNTAGGED is a ranking tier)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, n: int, z: float = Z_95) -> Interval | None:
    """The Wilson score interval of the share successes / n (None when n is 0)."""
    if n == 0:
        return None
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return Interval(max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale))


@dataclass(frozen=True)
class ReviewEvidence:
    """One completed review: its final audit and the verdicts its reviewer recorded."""

    review_id: UUID
    team: str
    cycle: str
    audit: OutcomeAudit
    verdicts: Mapping[UUID, str] = field(default_factory=dict)  # item id → ItemVerdict value


@dataclass(frozen=True)
class ItemTierOutcome:
    """One item of one review, under one tier it was tagged with."""

    review_id: UUID
    item_id: UUID
    moved: bool
    progress_change: float  # mean over the tier's key results of the item
    verdict: str | None


@dataclass(frozen=True)
class Share:
    """How many of `count` were `hits`, the share, and its Wilson interval at 95%."""

    hits: int
    count: int

    @property
    def value(self) -> float | None:
        return self.hits / self.count if self.count else None

    @property
    def interval(self) -> Interval | None:
        return wilson_interval(self.hits, self.count)


@dataclass(frozen=True)
class TierEvidence:
    tier: Tier
    outcomes: tuple[ItemTierOutcome, ...]

    @property
    def items(self) -> int:
        return len(self.outcomes)

    @property
    def moves(self) -> Share:
        return Share(sum(o.moved for o in self.outcomes), self.items)

    @property
    def mean_progress_change(self) -> float | None:
        return fmean(o.progress_change for o in self.outcomes) if self.outcomes else None

    @property
    def median_progress_change(self) -> float | None:
        return median(o.progress_change for o in self.outcomes) if self.outcomes else None

    @property
    def verdicts(self) -> Share:
        """The reviewers' view: MOVED_IT among the tier's items given a verdict."""
        given = [o.verdict for o in self.outcomes if o.verdict is not None]
        return Share(sum(v == ItemVerdict.MOVED_IT for v in given), len(given))


@dataclass(frozen=True)
class Calibration:
    tiers: tuple[TierEvidence, ...]  # DIRECT, INDIRECT
    current: Multipliers
    suggestion: Multipliers | None  # None: not enough evidence
    explanation: str

    def tier(self, tier: Tier) -> TierEvidence:
        return next(t for t in self.tiers if t.tier == tier)


def tier_outcomes(review: ReviewEvidence, tier: Tier) -> list[ItemTierOutcome]:
    outcomes = []
    for item in review.audit.outcomes:
        movements = [m for m in item.movements if m.tier == tier.value]
        if movements:
            outcomes.append(
                ItemTierOutcome(
                    review_id=review.review_id,
                    item_id=item.item_id,
                    moved=any(m.moved for m in movements),
                    progress_change=fmean(m.progress_change for m in movements),
                    verdict=review.verdicts.get(item.item_id),
                )
            )
    return outcomes


def suggest(
    direct: TierEvidence, indirect: TierEvidence, current: Multipliers, min_items: int
) -> tuple[Multipliers | None, str]:
    """The rule of the module's docstring: the suggestion, and the words that explain it."""
    short = [t for t in (direct, indirect) if t.items < min_items]
    if short:
        counts = ", ".join(f"{t.tier.value} has {t.items}" for t in short)
        return None, (
            f"not enough evidence: each tier needs at least {min_items} audited items of"
            f" completed reviews ({counts})"
        )
    rate_direct, rate_indirect = direct.moves.value, indirect.moves.value
    if not rate_direct:
        return None, (
            "not enough evidence: no DIRECT item moved its key result, so there is no move rate"
            " to compare INDIRECT's with"
        )
    ratio = (rate_indirect or 0.0) / rate_direct
    wanted = round(current.direct * ratio, 2)
    indirect_multiplier = min(current.direct, max(current.untagged, wanted))
    bound = "" if indirect_multiplier == wanted else f" ({wanted:g} kept within UNTAGGED..DIRECT)"
    return Multipliers(current.direct, indirect_multiplier, current.untagged), (
        f"INDIRECT items moved their key result at {rate_indirect:.3f} of the time, DIRECT items"
        f" at {rate_direct:.3f} (ratio {ratio:.3f}): INDIRECT = DIRECT {current.direct:g} ×"
        f" {ratio:.3f} = {indirect_multiplier:g}{bound}; DIRECT and UNTAGGED unchanged"
    )


def calibrate(
    reviews: Iterable[ReviewEvidence],
    current: Multipliers,
    min_items: int = MIN_ITEMS_PER_TIER,
) -> Calibration:
    """The evidence per tier from `reviews` (completed ones, each with its final audit), and
    the multipliers it suggests beside the `current` ones."""
    drawn = list(reviews)
    direct, indirect = (
        TierEvidence(tier, tuple(o for r in drawn for o in tier_outcomes(r, tier)))
        for tier in TIERS
    )
    suggestion, explanation = suggest(direct, indirect, current, min_items)
    return Calibration((direct, indirect), current, suggestion, explanation)


EVIDENCE_REVIEWS_MAX = 100  # a recalibration cites at most this many reviews


def cited_reviews(store: Aggregates, workspace: str, review_ids: Sequence[UUID]) -> list[UUID]:
    """The reviews a recalibration cites as its evidence, each once, in the order given: each
    must be a COMPLETED review of `workspace` (a review of another workspace is refused as if
    it did not exist). Loaded from the event store: a handler cannot query the read models."""
    cited = list(dict.fromkeys(review_ids))
    if len(cited) > EVIDENCE_REVIEWS_MAX:
        raise ValidationError(
            "evidenceReviewIds", f"cite at most {EVIDENCE_REVIEWS_MAX} reviews, not {len(cited)}"
        )
    for at, ident in enumerate(review_ids):
        review = store.find(ident)
        if not isinstance(review, QuarterlyReview) or review.workspace != workspace:
            raise ValidationError(
                ["evidenceReviewIds", str(at)], "no quarterly review of this workspace has this id"
            )
        if review.phase != ReviewPhase.COMPLETED:
            raise ValidationError(
                ["evidenceReviewIds", str(at)],
                f"the review of {review.cycle} is {review.phase.value}: only a COMPLETED"
                " review is evidence",
            )
    return cited
