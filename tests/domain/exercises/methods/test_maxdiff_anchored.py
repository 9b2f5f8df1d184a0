"""Anchored MaxDiff (dual response): utilities relative to the threshold, from simulated
respondents with a known truth."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from okrank.domain.exercises.methods.maxdiff_anchored import (
    fit_anchored,
    threshold_parts,
    threshold_tasks,
)
from tests.support.maxdiff_simulation import simulate, simulate_anchored

TRUE = np.linspace(-2.5, 1.5, 10)  # four items above the threshold (0), six below


def test_anchored_utilities_recover_which_items_are_above_and_below_the_threshold() -> None:
    fit = fit_anchored(simulate_anchored(TRUE, 400, seed=3), len(TRUE))
    assert fit is not None and fit.utilities is not None and fit.message is None
    error = np.abs(fit.utilities - TRUE)
    assert (error < 4 * fit.standard_errors).all(), (fit.utilities, fit.standard_errors)
    clear = np.abs(TRUE) > 0.3
    assert ((fit.utilities > 0) == (TRUE > 0))[clear].all()


def test_answers_without_the_threshold_question_have_no_anchored_fit() -> None:
    assert fit_anchored(simulate(TRUE, 20, seed=1), len(TRUE)) is None


def test_every_threshold_answer_yes_leaves_the_threshold_unbounded_and_says_so() -> None:
    answers = [replace(r, important=True) for r in simulate(TRUE, 30, seed=2)]
    fit = fit_anchored(answers, len(TRUE))
    assert fit is not None and fit.utilities is None
    assert fit.message is not None and "'yes'" in fit.message


def test_threshold_gradient_and_hessian_match_finite_differences() -> None:
    answers = simulate_anchored(TRUE, 5, seed=4)
    tasks = threshold_tasks(answers)
    beta = np.random.default_rng(0).normal(size=len(TRUE))
    _, grad, hess = threshold_parts(beta, tasks, len(TRUE))
    h = 1e-6
    for j in range(len(TRUE)):
        up, down = beta.copy(), beta.copy()
        up[j] += h
        down[j] -= h
        (ll_up, g_up, _), (ll_down, g_down, _) = (
            threshold_parts(up, tasks, len(TRUE)),
            threshold_parts(down, tasks, len(TRUE)),
        )
        assert abs((ll_up - ll_down) / (2 * h) - grad[j]) < 1e-5
        assert np.allclose(-(g_up - g_down) / (2 * h), hess[j], atol=1e-5)
