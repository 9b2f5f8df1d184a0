"""Calibration from evidence (domain.reviews.calibration): the figures per tier, the Wilson
interval, and the suggested multipliers, each against a hand computation."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from okrank.domain.rankings.scoring import Multipliers, Tier
from okrank.domain.reviews.calibration import (
    Interval,
    ReviewEvidence,
    calibrate,
    wilson_interval,
)
from okrank.domain.reviews.outcomes import ItemOutcome, KeyResultMovement, OutcomeAudit

AT = datetime(2026, 10, 1, tzinfo=UTC)
KR = uuid4()


def moved(tier: Tier, change: float) -> KeyResultMovement:
    return KeyResultMovement(uuid4(), uuid4(), tier.value, 0.0, change, change, change > 0)


def item(*movements: KeyResultMovement) -> ItemOutcome:
    return ItemOutcome(uuid4(), "item", AT, None, movements)


def review(*items: ItemOutcome, verdicts: dict[UUID, str] | None = None) -> ReviewEvidence:
    audit = OutcomeAudit(AT, AT, items, ())
    return ReviewEvidence(uuid4(), "", "2026-Q3", audit, verdicts or {})


def approx(interval: Interval | None) -> tuple[float, float]:
    assert interval is not None
    return (round(interval.low, 4), round(interval.high, 4))


def test_the_wilson_interval_equals_the_hand_computation():
    # 3 of 10, z = 1.96: (0.3 + z²/20 ± z·sqrt(0.3·0.7/10 + z²/400)) / (1 + z²/10)
    assert approx(wilson_interval(3, 10)) == (0.1078, 0.6032)
    assert approx(wilson_interval(0, 10)) == (0.0, 0.2775)  # z²/(n + z²)
    assert approx(wilson_interval(10, 10)) == (0.7225, 1.0)
    assert wilson_interval(0, 0) is None


def test_each_tier_counts_items_with_their_mean_progress_change_and_verdicts():
    both = item(moved(Tier.DIRECT, 0.2), moved(Tier.DIRECT, 0.0), moved(Tier.INDIRECT, 0.0))
    flat = item(moved(Tier.DIRECT, 0.0))
    wide = item(moved(Tier.INDIRECT, 0.4))
    untagged = item()
    first = review(both, flat, verdicts={both.item_id: "MOVED_IT", flat.item_id: "UNCLEAR"})
    second = review(wide, untagged, verdicts={wide.item_id: "DID_NOT"})
    calibration = calibrate([first, second], Multipliers())
    direct, indirect = calibration.tier(Tier.DIRECT), calibration.tier(Tier.INDIRECT)
    # DIRECT: `both` (moved: one of its two DIRECT key results; mean 0.1) and `flat` (0.0).
    assert (direct.items, direct.moves.hits, direct.moves.value) == (2, 1, 0.5)
    assert direct.mean_progress_change == pytest.approx(0.05)
    assert direct.median_progress_change == pytest.approx(0.05)
    assert (direct.verdicts.hits, direct.verdicts.count) == (1, 2)  # UNCLEAR counts against
    # INDIRECT: `both` again (did not move, 0.0) and `wide` (0.4); the untagged item nowhere.
    assert (indirect.items, indirect.moves.hits) == (2, 1)
    assert indirect.mean_progress_change == pytest.approx(0.2)
    # The verdict is the item's: `both` was judged MOVED_IT, under each of its tiers.
    assert (indirect.verdicts.hits, indirect.verdicts.count) == (1, 2)
    assert approx(direct.moves.interval) == approx(wilson_interval(1, 2))


def test_the_suggestion_scales_indirect_by_the_ratio_of_move_rates():
    # DIRECT: 8 of 10 moved; INDIRECT: 3 of 12 moved. Ratio 0.25 / 0.8 = 0.3125; DIRECT 2.0
    # stays, INDIRECT = 2.0 × 0.3125 = 0.625 → 0.62 (two decimals, half to even), UNTAGGED 0.5.
    direct = [item(moved(Tier.DIRECT, 0.1 if i < 8 else 0.0)) for i in range(10)]
    indirect = [item(moved(Tier.INDIRECT, 0.1 if i < 3 else 0.0)) for i in range(12)]
    calibration = calibrate([review(*direct), review(*indirect)], Multipliers(2.0, 1.0, 0.5))
    assert calibration.suggestion == Multipliers(2.0, 0.62, 0.5)
    assert "ratio 0.312" in calibration.explanation or "ratio 0.313" in calibration.explanation


def test_the_suggested_indirect_is_never_below_untagged_nor_above_direct():
    direct = [item(moved(Tier.DIRECT, 0.1 if i < 5 else 0.0)) for i in range(10)]
    rare = [item(moved(Tier.INDIRECT, 0.1 if i < 1 else 0.0)) for i in range(10)]
    always = [item(moved(Tier.INDIRECT, 0.1)) for _ in range(10)]
    low = calibrate([review(*direct, *rare)], Multipliers(2.0, 1.0, 0.5))
    assert low.suggestion == Multipliers(2.0, 0.5, 0.5)  # 2 × 0.2 = 0.4, kept at UNTAGGED
    assert "0.4 kept within" in low.explanation
    high = calibrate([review(*direct, *always)], Multipliers(2.0, 1.0, 0.5))
    assert high.suggestion == Multipliers(2.0, 2.0, 0.5)  # 2 × 2 = 4, kept at DIRECT


def test_no_suggestion_without_enough_items_per_tier_or_a_direct_move():
    direct = [item(moved(Tier.DIRECT, 0.1)) for _ in range(10)]
    few = [item(moved(Tier.INDIRECT, 0.1)) for _ in range(9)]
    short = calibrate([review(*direct, *few)], Multipliers())
    assert short.suggestion is None
    assert short.explanation.startswith("not enough evidence")
    assert "INDIRECT has 9" in short.explanation
    still = [item(moved(Tier.DIRECT, 0.0)) for _ in range(10)]
    indirect = [item(moved(Tier.INDIRECT, 0.1)) for _ in range(10)]
    none_moved = calibrate([review(*still, *indirect)], Multipliers())
    assert none_moved.suggestion is None and "no DIRECT item moved" in none_moved.explanation
    nothing = calibrate([], Multipliers())
    assert nothing.tier(Tier.DIRECT).moves.value is None
    assert nothing.tier(Tier.DIRECT).mean_progress_change is None
