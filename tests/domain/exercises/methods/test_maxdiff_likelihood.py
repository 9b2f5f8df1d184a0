"""The maxdiff logit's per-respondent log-likelihood, gradient and Hessian, against the model
written out pair by pair and against finite differences."""

from __future__ import annotations

import itertools

import numpy as np

from okrank.domain.exercises.methods.maxdiff_likelihood import (
    log_likelihoods,
    objective_parts,
    respondent_groups,
)
from okrank.domain.exercises.methods.maxdiff_response import Response

RESPONSES = [
    Response("a", (0, 1, 2, 3), 2, 0),
    Response("a", (1, 3, 4), 4, 1),
    Response("b", (0, 2, 4), 0, 4),
    Response("b", (1, 2, 3, 4, 0), 3, 2),
]
ROWS = {"a": 0, "b": 1}
BETA = np.array([[0.3, -0.2, 1.1, 0.0, -0.7], [-0.5, 0.4, 0.2, 0.9, 0.1]])


def by_pairs(beta: np.ndarray) -> np.ndarray:
    """The log-likelihood from P(b, w | S) = exp(v_b − v_w) / Σ_{k≠l} exp(v_k − v_l)."""
    out = np.zeros(len(ROWS))
    for r in RESPONSES:
        v = beta[ROWS[r.respondent]]
        denominator = sum(np.exp(v[b] - v[w]) for b, w in itertools.permutations(r.shown, 2))
        out[ROWS[r.respondent]] += v[r.best] - v[r.worst] - np.log(denominator)
    return out


def test_log_likelihoods_equal_the_model_written_out_pair_by_pair():
    groups = respondent_groups(RESPONSES, ROWS)
    assert np.allclose(log_likelihoods(BETA, groups, 2), by_pairs(BETA), atol=1e-12)
    ll, _, _ = objective_parts(BETA, groups, 2, 5)
    assert np.allclose(ll, by_pairs(BETA), atol=1e-12)


def test_gradient_and_hessian_match_finite_differences():
    groups = respondent_groups(RESPONSES, ROWS)
    _, grad, hess = objective_parts(BETA, groups, 2, 5)
    h = 1e-6
    for i in range(5):
        step = np.zeros_like(BETA)
        step[:, i] = h
        up, down = (
            objective_parts(BETA + step, groups, 2, 5),
            objective_parts(BETA - step, groups, 2, 5),
        )
        assert np.allclose((up[0] - down[0]) / (2 * h), grad[:, i], atol=1e-6)
        # `hess` is the negative log-likelihood's Hessian, so minus the gradient's derivative.
        assert np.allclose(-(up[1] - down[1]) / (2 * h), hess[:, :, i], atol=1e-6)
