"""Separation: an item chosen best (or worst) every time it is shown has no finite
maximum-likelihood utility. It is detected, flagged per item, and estimated by Firth's penalised
likelihood, whose maximum exists and depends on no tuning constant."""

from __future__ import annotations

import numpy as np
import pytest

from okrank.domain.exercises.methods.maxdiff_aggregate import Estimator, fit_aggregate
from okrank.domain.exercises.methods.maxdiff_analysis import analyse
from okrank.domain.exercises.methods.maxdiff_likelihood import objective_parts, respondent_groups
from okrank.domain.exercises.methods.maxdiff_response import Response
from okrank.domain.exercises.methods.maxdiff_separation import separated_items


def simulated(seed: int = 3, respondents: int = 6) -> list[Response]:
    """Item 0 always best when shown, item 5 always worst when shown; the rest by a logit."""
    rng = np.random.default_rng(seed)
    true = np.array([0.0, 0.8, 0.3, -0.2, -0.6, 0.0])
    out = []
    for r in range(respondents):
        for _ in range(6):
            shown = tuple(int(i) for i in rng.choice(6, 4, replace=False))
            rest = [i for i in shown if i not in (0, 5)]
            best = 0 if 0 in shown else max(rest, key=lambda i: true[i] + rng.gumbel())
            worst = (
                5
                if 5 in shown
                else min((i for i in rest if i != best), key=lambda i: true[i] - rng.gumbel())
            )
            out.append(Response(str(r), shown, best, worst))
    return out


def penalised(beta: np.ndarray, responses: list[Response], n: int) -> float:
    """ℓ(β) + ½ log det I(β), with the last item held at 0."""
    groups = respondent_groups(responses, {r.respondent: 0 for r in responses})
    ll, _, hess = objective_parts(beta[None], groups, 1, n)
    return float(ll[0]) + np.linalg.slogdet(hess[0][:-1, :-1])[1] / 2


def test_separation_is_detected_and_flagged_per_item():
    """Was: no flag, and a utility set by the ridge constant alone (share 99.9%)."""
    responses = simulated()
    fit = fit_aggregate(responses, 6)
    assert fit.estimator == Estimator.FIRTH
    assert {(s.item, s.direction) for s in fit.separated} == {(0, 1), (5, -1)}
    results = {r.item: r for r in analyse(responses, 6)}
    assert "infinite" in results[0].separation and "Firth" in results[0].separation
    assert "minus infinity" in results[5].separation
    assert results[2].separation is None
    assert results[0].rank == 1 and results[5].rank == 6


def test_the_firth_estimate_is_the_maximum_of_the_penalised_likelihood():
    responses = simulated()
    fit = fit_aggregate(responses, 6)
    assert fit.score_norm < 1e-9
    beta = fit.reference_utilities  # reference = item 5, the last: the coordinates fitted
    # Its gradient by central differences is ~0 (checks the analytic third-moment adjustment).
    h = 1e-5
    numeric = [
        (penalised(beta + h * e, responses, 6) - penalised(beta - h * e, responses, 6)) / (2 * h)
        for e in np.eye(6)[:-1]
    ]
    assert np.abs(numeric).max() < 1e-5
    assert np.isfinite(fit.utilities).all() and np.abs(fit.utilities).max() < 10


def test_no_separation_means_plain_maximum_likelihood():
    rng = np.random.default_rng(1)
    responses = []
    for r in range(40):
        for _ in range(5):
            shown = tuple(int(i) for i in rng.choice(6, 4, replace=False))
            best, worst = (int(i) for i in rng.permutation(shown)[:2])
            responses.append(Response(str(r), shown, best, worst))
    assert (
        separated_items(
            [
                (
                    np.array([r.shown for r in responses]),
                    np.array([r.best for r in responses]),
                    np.array([r.worst for r in responses]),
                )
            ],
            6,
        )
        == []
    )
    assert fit_aggregate(responses, 6).estimator == Estimator.MAXIMUM_LIKELIHOOD


def test_a_group_separated_from_the_rest_without_any_unanimous_item():
    """Items 0 and 1 always beat items 2–4 but trade wins between themselves: no single item is
    at 0 or n, yet the group's utility relative to the rest has no maximum."""
    responses = []
    for r in range(10):
        responses.append(Response(str(r), (0, 2, 3), 0, 3))
        responses.append(Response(str(r), (1, 3, 4), 1, 4))
        responses.append(Response(str(r), (0, 1, 2), 1 if r % 2 else 0, 2))
        responses.append(Response(str(r), (2, 3, 4), 2 + r % 3, 2 + (r + 1) % 3))
    fit = fit_aggregate(responses, 5)
    assert fit.estimator == Estimator.FIRTH
    assert {s.item for s in fit.separated} in ({0, 1}, {2, 3, 4})
    assert np.isfinite(fit.utilities).all()


@pytest.mark.parametrize("respondents", [3, 6, 12])
def test_firth_estimates_stay_finite_as_separation_persists(respondents):
    fit = fit_aggregate(simulated(respondents=respondents), 6)
    assert fit.estimator == Estimator.FIRTH and np.abs(fit.utilities).max() < 10
