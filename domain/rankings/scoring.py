"""Scoring rules: RICE, WSJF, alignment multipliers and the ranking order.

Pure functions only. Scores are `None` when an input is missing, never zero: an unscored item is
listed after the scored ones instead of pretending to be worthless.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from okrank.domain.bounds import EFFORT_MAX, EFFORT_MIN, MULTIPLIER_MAX, REACH_MAX, bounded, finite
from okrank.domain.errors import ValidationError

RICE_IMPACTS: tuple[float, ...] = (3.0, 2.0, 1.0, 0.5, 0.25)
WSJF_SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)


class Method(StrEnum):
    RICE = "RICE"
    WSJF = "WSJF"
    EXERCISE = "EXERCISE"  # a closed exercise's results; stored as "EXERCISE:<exercise id>"


def exercise_method(exercise_id: object) -> str:
    """The ranking method key of one exercise's results."""
    return f"{Method.EXERCISE}:{exercise_id}"


def split_method(key: str) -> tuple[str, str | None]:
    """A ranking method key as (method, exercise id or None): "RICE" or "EXERCISE:<id>"."""
    method, _, exercise = key.partition(":")
    return method, exercise or None


class Tier(StrEnum):
    """How strongly an item is aligned to an objective. UNTAGGED is only a ranking tier."""

    DIRECT = "DIRECT"
    INDIRECT = "INDIRECT"
    UNTAGGED = "UNTAGGED"


TAG_TIERS = (Tier.DIRECT, Tier.INDIRECT)  # the tiers a tag may have
TIER_STRENGTH = {Tier.DIRECT: 2, Tier.INDIRECT: 1, Tier.UNTAGGED: 0}


@dataclass(frozen=True)
class RiceInputs:
    reach: float
    impact: float
    confidence: float
    effort: float


@dataclass(frozen=True)
class WsjfInputs:
    business_value: int
    time_criticality: int
    risk_reduction: int
    job_size: int


@dataclass(frozen=True)
class Multipliers:
    """Priority multiplier per alignment tier; a workspace may recalibrate them."""

    direct: float = 2.0
    indirect: float = 1.0
    untagged: float = 0.5

    def for_tier(self, tier: Tier) -> float:
        return {Tier.DIRECT: self.direct, Tier.INDIRECT: self.indirect}.get(tier, self.untagged)


def validate_rice(inputs: RiceInputs, prefix: str = "rice") -> RiceInputs:
    """Valid RICE inputs, each within its limit (domain.bounds), so the score is finite."""
    reach = bounded(f"{prefix}.reach", inputs.reach, 0.0, REACH_MAX)
    impact = finite(f"{prefix}.impact", inputs.impact)
    confidence = finite(f"{prefix}.confidence", inputs.confidence)
    effort = bounded(f"{prefix}.effort", inputs.effort, EFFORT_MIN, EFFORT_MAX)
    if impact not in RICE_IMPACTS:
        raise ValidationError(f"{prefix}.impact", "impact must be one of 3, 2, 1, 0.5, 0.25")
    if not 0 < confidence <= 1:
        raise ValidationError(f"{prefix}.confidence", "confidence must be in (0, 1]")
    return RiceInputs(reach, impact, confidence, effort)


def validate_wsjf(inputs: WsjfInputs, prefix: str = "wsjf") -> WsjfInputs:
    for name in ("business_value", "time_criticality", "risk_reduction", "job_size"):
        value = getattr(inputs, name)
        if isinstance(value, bool) or value not in WSJF_SCALE:
            camel = "".join(p if i == 0 else p.title() for i, p in enumerate(name.split("_")))
            raise ValidationError(
                f"{prefix}.{camel}", f"{camel} must be one of 1, 2, 3, 5, 8, 13, 20"
            )
    return inputs


def rice_score(inputs: RiceInputs | None) -> float | None:
    if inputs is None:
        return None
    return inputs.reach * inputs.impact * inputs.confidence / inputs.effort


def wsjf_score(inputs: WsjfInputs | None) -> float | None:
    if inputs is None:
        return None
    cost_of_delay = inputs.business_value + inputs.time_criticality + inputs.risk_reduction
    return cost_of_delay / inputs.job_size


def validate_multipliers(m: Multipliers) -> Multipliers:
    for name in ("direct", "indirect", "untagged"):
        value = finite(name, getattr(m, name))
        if not 0 < value <= MULTIPLIER_MAX:
            raise ValidationError(name, f"{name} multiplier must be in (0, {MULTIPLIER_MAX:g}]")
    if not m.direct >= m.indirect >= m.untagged:
        raise ValidationError(
            "direct", "multipliers must not reward weaker alignment: direct ≥ indirect ≥ untagged"
        )
    return m


def best_tier(tiers: list[Tier]) -> Tier:
    """The strongest tier among `tiers` (UNTAGGED when empty)."""
    return max(tiers, key=TIER_STRENGTH.__getitem__, default=Tier.UNTAGGED)


@dataclass(frozen=True)
class RankingEntry:
    """One item's place in one scope (an objective, or the product) for one method."""

    item_id: str
    base_score: float | None
    multiplier: float
    tier: Tier
    eligible: bool
    seq: int  # creation order of the item: the last, stable tie-break

    @property
    def priority(self) -> float | None:
        return None if self.base_score is None else self.base_score * self.multiplier

    @property
    def sort_key(self) -> tuple[int, float, float, int, str]:
        """Ascending key: scored first, then higher priority, higher base score, older item, id.

        The one ranking order. The read model stores it as columns (k_unscored, k_priority,
        k_base, then seq and item_id) and SQL orders and pages by them in this order:
        okrank.api.rankings.reads.RANKING_ORDER (tests/api/rankings/test_ranking_order.py proves
        that SQL order equals this key on the same rows).
        """
        if self.base_score is None:
            return (1, 0.0, 0.0, self.seq, self.item_id)
        return (0, -self.priority, -self.base_score, self.seq, self.item_id)  # type: ignore[operator]


def rank(entries: list[RankingEntry]) -> list[RankingEntry]:
    return sorted(entries, key=lambda e: e.sort_key)
