"""MaxDiff design quality: positions balanced (not merely shuffled), the 10-items-in-4 layout as
even as it can be, a late candidate not always listed first, and the design's diagnostics."""

from __future__ import annotations

from uuid import UUID

import numpy as np
import pytest

from okrank.domain.exercises.design import APPEARANCES, extension_sets
from okrank.domain.exercises.methods.maxdiff_balance import balance, d_efficiency
from okrank.domain.exercises.methods.maxdiff_design import Design, generate_design


def positions(design: Design, n: int, k: int) -> np.ndarray:
    out = np.zeros((len(design.versions), n, k), dtype=int)
    for v, sets in enumerate(design.versions):
        for s in sets:
            for p, i in enumerate(s):
                out[v, i, p] += 1
    return out


def test_positions_are_balanced_within_versions_and_pooled():
    """Was random: an item could sit first in all 3 of its sets; pooled sd ~3% of the mean."""
    design = generate_design(20, set_size=4, appearances=3, versions=1000, seed=7)
    counts = positions(design, 20, 4)
    spread = counts.max(axis=2) - counts.min(axis=2)  # per version and item
    assert spread.max() <= 2 and (spread <= 1).mean() > 0.95  # 3 showings, 3 positions mostly
    pooled = counts.sum(axis=0)
    assert pooled.max() - pooled.min() <= 0.02 * pooled.mean()
    figures = balance(design)
    assert figures["position_spread"] == spread.max()
    assert figures["pooled_position_cv"] < 0.01


@pytest.mark.parametrize("seed", range(12))
def test_ten_items_in_sets_of_four_reach_a_pair_spread_of_two(seed):
    """Was 3 for about 4 exercises in 10 (one of the 4 base layouts stalled)."""
    design = generate_design(10, set_size=4, appearances=3, versions=4, seed=seed)
    assert balance(design)["pair_cooccurrence_spread"] <= 2


@pytest.mark.parametrize("participants", [12, 13, 7])
@pytest.mark.parametrize("seed", range(20))
def test_a_candidate_added_while_open_takes_every_position_equally(seed, participants):
    """Was first in every one of its extra sets (9 of 9); then a random start per participant
    left one position at 4 of a mean of 9 in some exercises."""
    ids = [UUID(int=seed * 100 + n) for n in range(10)]
    existing, new, exercise = ids[:8], ids[8], ids[9]
    names = [f"p{n}" for n in range(participants)]
    extra = extension_sets(exercise, new, existing, names, 4)
    where = np.zeros(4, dtype=int)
    for sets in extra.values():
        assert len(sets) == APPEARANCES
        own = [s.index(new) for s in sets]
        assert len(set(own)) == APPEARANCES  # a different position in each of its sets
        where[own] += 1
    assert where.sum() == 3 * participants and where.max() - where.min() <= 1


def test_d_efficiency_is_one_for_a_balanced_design_and_lower_otherwise():
    # The 7-item design of support.BWS's fruit data: a balanced incomplete block design.
    fano = [(0, 1, 2, 4), (1, 2, 3, 5), (2, 3, 4, 6), (3, 4, 5, 0), (4, 5, 6, 1), (5, 6, 0, 2),
            (6, 0, 1, 3)]  # fmt: skip
    assert d_efficiency(Design([fano])) == pytest.approx(1.0)
    lopsided = Design([[(0, 1, 2, 3), (0, 1, 2, 4), (0, 1, 2, 5), (0, 1, 2, 6), (3, 4, 5, 6)]])
    assert 0 < d_efficiency(lopsided) < 0.95  # 0.92: items 0–2 crowd four of five sets
    assert d_efficiency(Design([[(0, 1, 2), (3, 4, 5)]])) == 0.0  # two halves never compared
