"""preferenceSpread: respondents who do not differ at all must not be reported as differing.
A score test of heterogeneity decides; the empirical-Bayes spread (biased upward near 0) is
reported only when the test detects a difference."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.methods.maxdiff_aggregate import fit_mnl
from okrank.domain.exercises.methods.maxdiff_heterogeneity import heterogeneity_test
from okrank.domain.exercises.results import compute
from tests.support.maxdiff_simulation import simulate_heterogeneous


def summary_of(responses, n_items: int) -> dict:
    """The overall MaxDiff summary of an exercise whose answers were imported."""
    candidates = [uuid4() for _ in range(n_items)]
    imported = {
        "items": [str(c) for c in candidates],
        "rows": [
            [r.respondent, n, list(r.shown), r.best, r.worst, None] for n, r in enumerate(responses)
        ],
    }
    return compute(ExerciseMethod.MAXDIFF, candidates, {}, [], imported).overall.summary


@pytest.mark.parametrize("seed", [22, 31, 32])
def test_no_spread_is_reported_when_respondents_do_not_differ(seed):
    """Was 0.29–0.38 for respondents who all share the same utilities."""
    responses, _ = simulate_heterogeneous(200, spread=0.0, seed=seed)
    summary = summary_of(responses, 20)
    assert summary["preferenceSpreadEstimate"] > 0.1  # what the bare estimate says
    assert not summary["heterogeneity"]["detected"] and summary["heterogeneity"]["pValue"] > 0.05
    assert summary["preferenceSpread"] == 0.0


def test_a_real_spread_is_detected_and_reported():
    responses, _ = simulate_heterogeneous(200, spread=1.0, seed=24)
    summary = summary_of(responses, 20)
    assert summary["heterogeneity"]["detected"] and summary["heterogeneity"]["pValue"] < 1e-6
    assert 0.7 < summary["preferenceSpread"] == summary["preferenceSpreadEstimate"] < 1.3


def test_the_test_has_its_nominal_size_under_no_heterogeneity():
    """p-values over seeded homogeneous data sets: about 5% fall below 0.05 (here at most 3 of
    20), and their mean is near ½."""
    p_values = []
    for seed in range(20):
        responses, _ = simulate_heterogeneous(60, spread=0.0, seed=100 + seed)
        aggregate, _ = fit_mnl(responses, 20)
        p_values.append(heterogeneity_test(responses, 20, aggregate).p_value)
    assert sum(p < 0.05 for p in p_values) <= 3
    assert 0.3 < sum(p_values) / len(p_values) < 0.7
