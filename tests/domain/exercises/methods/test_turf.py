"""TURF: the combination of k items that reaches the most respondents, not the k best items."""

from __future__ import annotations

import numpy as np
import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.turf import turf


def test_turf_prefers_reach_over_the_most_liked_items():
    # Items 0 and 1 are loved by the same 6 people; item 2 by 4 others.
    fans_01 = [np.array([3.0, 2.0, 0.0, -1.0])] * 6
    fans_2 = [np.array([0.0, -1.0, 3.0, 1.0])] * 4
    best = turf(fans_01 + fans_2, size=2, top=1)
    assert set(best.items) == {0, 2} and best.reach == 1.0 and best.exhaustive
    # Taking the two most liked items on average would reach only 6 of 10.


def test_greedy_search_for_many_combinations():
    rng = np.random.default_rng(3)
    people = [rng.normal(size=30) for _ in range(200)]
    exact = turf(people, size=3, top=2)
    greedy = turf(people, size=3, top=2, exhaustive_max=10)
    assert not greedy.exhaustive and greedy.reach >= (1 - 1 / np.e) * exact.reach
    assert greedy.reach <= exact.reach


@pytest.mark.parametrize(("size", "top"), [(0, 1), (5, 1), (1, 0), (1, 5)])
def test_bad_sizes_are_refused(size, top):
    with pytest.raises(ValidationError):
        turf([np.zeros(4)], size=size, top=top)
