"""Scoring rules: RICE, WSJF, multipliers, ranking order and ranking entries."""

from __future__ import annotations

import math
from uuid import UUID

import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.rankings.entries import PRODUCT_SCOPE, ItemFacts, TagFacts, ranking_entries
from okrank.domain.rankings.scoring import (
    Method,
    Multipliers,
    RankingEntry,
    RiceInputs,
    Tier,
    WsjfInputs,
    best_tier,
    rank,
    rice_score,
    validate_multipliers,
    validate_rice,
    validate_wsjf,
    wsjf_score,
)


def test_rice_is_reach_times_impact_times_confidence_over_effort():
    assert rice_score(RiceInputs(1000, 2, 0.8, 4)) == 400.0


def test_zero_reach_scores_zero_and_missing_inputs_score_none():
    assert rice_score(RiceInputs(0, 3, 1, 1)) == 0.0
    assert rice_score(None) is None and wsjf_score(None) is None


def test_wsjf_is_cost_of_delay_over_job_size():
    assert wsjf_score(WsjfInputs(8, 5, 3, 2)) == 8.0


@pytest.mark.parametrize(
    ("inputs", "path"),
    [
        (RiceInputs(-1, 1, 1, 1), ["rice", "reach"]),
        (RiceInputs(1, 1.5, 1, 1), ["rice", "impact"]),
        (RiceInputs(1, 1, 0, 1), ["rice", "confidence"]),
        (RiceInputs(1, 1, 1.01, 1), ["rice", "confidence"]),
        (RiceInputs(1, 1, 1, 0), ["rice", "effort"]),
        (RiceInputs(math.nan, 1, 1, 1), ["rice", "reach"]),
        (RiceInputs(1, 1, 1, math.inf), ["rice", "effort"]),
    ],
)
def test_rice_validation_names_the_field(inputs, path):
    with pytest.raises(ValidationError) as exc:
        validate_rice(inputs)
    assert exc.value.path == path


def test_rice_accepts_every_impact_level():
    for impact in (3, 2, 1, 0.5, 0.25):
        assert validate_rice(RiceInputs(1, impact, 1, 1)).impact == impact


@pytest.mark.parametrize("bad", [0, 4, 21, True])
def test_wsjf_values_must_be_on_the_fibonacci_like_scale(bad):
    with pytest.raises(ValidationError) as exc:
        validate_wsjf(WsjfInputs(1, 1, 1, bad))
    assert exc.value.path == ["wsjf", "jobSize"]


def test_multipliers_must_be_positive_and_ordered():
    assert validate_multipliers(Multipliers(3, 3, 1)).direct == 3
    with pytest.raises(ValidationError):
        validate_multipliers(Multipliers(1, 2, 0.5))
    with pytest.raises(ValidationError):
        validate_multipliers(Multipliers(2, 1, 0))
    with pytest.raises(ValidationError):
        validate_multipliers(Multipliers(1000, 1, 1))


def test_best_tier():
    assert best_tier([Tier.INDIRECT, Tier.DIRECT]) == Tier.DIRECT
    assert best_tier([]) == Tier.UNTAGGED


def entry(item: str, base: float | None, multiplier: float = 1.0, seq: int = 0) -> RankingEntry:
    return RankingEntry(item, base, multiplier, Tier.DIRECT, True, seq)


def test_rank_orders_by_priority_then_base_then_age_then_id_and_unscored_last():
    entries = [
        entry("unscored", None, seq=0),
        entry("low", 1.0, seq=1),
        entry("tie-newer", 10.0, 2.0, seq=5),
        entry("tie-older", 10.0, 2.0, seq=4),
        entry("tie-high-base", 20.0, 1.0, seq=9),
        entry("top", 100.0, seq=8),
        entry("same-seq-b", 5.0, seq=7),
        entry("same-seq-a", 5.0, seq=7),
    ]
    assert [e.item_id for e in rank(entries)] == [
        "top",
        "tie-high-base",
        "tie-older",
        "tie-newer",
        "same-seq-a",
        "same-seq-b",
        "low",
        "unscored",
    ]


def test_priority_is_base_times_multiplier():
    assert entry("x", 10.0, 0.5).priority == 5.0
    assert entry("x", None).priority is None


ITEM = UUID(int=1)
A, B = UUID(int=2), UUID(int=3)


def test_ranking_entries_use_the_tag_tier_per_objective_and_best_active_tier_for_product():
    facts = ItemFacts(ITEM, 1, rice_score=10.0, wsjf_score=None, justified=False)
    tags = [
        TagFacts(A, Tier.INDIRECT, objective_active=True),
        TagFacts(B, Tier.DIRECT, objective_active=False),
    ]
    got = {(scope, method): e for scope, method, e in ranking_entries(facts, tags, Multipliers())}
    assert got[(A, Method.RICE)].tier == Tier.INDIRECT and got[(A, Method.RICE)].eligible
    assert got[(B, Method.RICE)].tier == Tier.DIRECT and not got[(B, Method.RICE)].eligible
    product = got[(PRODUCT_SCOPE, Method.RICE)]
    assert (product.tier, product.multiplier, product.priority) == (Tier.INDIRECT, 1.0, 10.0)
    assert got[(PRODUCT_SCOPE, Method.WSJF)].base_score is None
    assert len(got) == 6


def test_untagged_item_is_eligible_only_when_justified():
    plain = ItemFacts(ITEM, 1, 4.0, 4.0, justified=False)
    justified = ItemFacts(ITEM, 1, 4.0, 4.0, justified=True)
    [(_, _, p), _] = ranking_entries(plain, [], Multipliers())
    [(_, _, j), _] = ranking_entries(justified, [], Multipliers())
    assert (p.tier, p.multiplier, p.priority, p.eligible) == (Tier.UNTAGGED, 0.5, 2.0, False)
    assert j.eligible
