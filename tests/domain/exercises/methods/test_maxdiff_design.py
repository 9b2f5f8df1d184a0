"""MaxDiff designs: balanced, fast for a thousand versions, deterministic; impossible ones
refused."""

from __future__ import annotations

import numpy as np
import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.maxdiff_balance import balance
from okrank.domain.exercises.methods.maxdiff_design import generate_design


def test_design_is_balanced():
    design = generate_design(12, set_size=4, appearances=3, versions=5, seed=3)
    for sets in design.versions:
        assert len(sets) == 9 and all(len(set(s)) == 4 for s in sets)
    figures = balance(design)
    assert figures["item_frequency_spread"] <= 1
    assert figures["pair_cooccurrence_spread"] <= 2
    assert design.versions[0] != design.versions[1]  # a different version per participant


def test_a_thousand_versions_are_balanced_and_different():
    # Its speed (about 0.05 s) is measured by bench.maxdiff_design, not asserted here.
    design = generate_design(20, set_size=4, appearances=3, versions=1000, seed=7)
    assert len(design.versions) == 1000 and all(len(sets) == 15 for sets in design.versions)
    figures = balance(design)
    # Within every version: each item exactly 3 times; each pair together 0 or 1 times.
    assert figures["item_frequency_spread"] == 0
    assert figures["pair_cooccurrence_spread"] <= 1
    # Across versions: every item shown equally often, pairs even to within a few percent.
    assert figures["pooled_item_frequency_spread"] == 0
    assert figures["pooled_pair_cooccurrence_cv"] < 0.06
    assert len({tuple(sorted(sets)) for sets in design.versions}) == 1000
    # Positions inside sets are shuffled: every item leads a set about equally often.
    first = np.bincount([s[0] for sets in design.versions for s in sets], minlength=20)
    assert first.min() > 0.8 * first.mean()


def test_designs_are_deterministic_given_the_seed():
    assert generate_design(12, versions=20, seed=1) == generate_design(12, versions=20, seed=1)
    assert generate_design(12, versions=20, seed=1) != generate_design(12, versions=20, seed=2)


@pytest.mark.parametrize(
    ("n", "size", "appearances", "freq_spread", "pair_spread"),
    [(7, 4, 4, 0, 0), (12, 4, 3, 0, 1), (21, 4, 3, 1, 1), (30, 5, 3, 0, 1), (13, 3, 3, 0, 1)],
)
def test_balance_across_shapes(n, size, appearances, freq_spread, pair_spread):
    design = generate_design(n, size, appearances, versions=200, seed=4)
    figures = balance(design)
    assert figures["item_frequency_spread"] <= freq_spread
    assert figures["pair_cooccurrence_spread"] <= pair_spread
    # Extra appearances (when n·appearances is not a multiple of the set size) rotate over items.
    assert figures["pooled_item_frequency_spread"] <= 0.01


@pytest.mark.parametrize(("n", "size"), [(2, 3), (10, 6), (4, 5)])
def test_impossible_designs_are_refused(n, size):
    with pytest.raises(ValidationError):
        generate_design(n, set_size=size)
