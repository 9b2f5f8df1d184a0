"""Newton's method with step halving for the concave MaxDiff log-likelihoods (the aggregate
fit, Firth's penalised one and the anchored fit share it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

NEWTON_STEPS = 100  # Newton converges in 5–10 steps; the cap only guards against a bug
SCORE_TOLERANCE = 1e-10  # largest |∂ log-likelihood / ∂ utility| accepted as the maximum

# objective(beta) → (value, score over the free coordinates, Hessian of −value there, …)
Objective = Callable[[np.ndarray], tuple[Any, ...]]


def maximise(
    objective: Objective, beta: np.ndarray, free: np.ndarray
) -> tuple[np.ndarray, tuple[Any, ...], int]:
    """The maximum from `beta`, moving only the `free` coordinates, to a score of at most
    SCORE_TOLERANCE; returns it, the objective's result there and the steps taken."""
    result = objective(beta)
    steps = 0
    while np.abs(result[1]).max() > SCORE_TOLERANCE and steps < NEWTON_STEPS:
        value = result[0]
        step = np.linalg.solve(result[2], result[1])
        scale = 1.0
        while True:  # step halving: the objective is concave, a full step nearly always does
            trial = beta.copy()
            trial[free] += scale * step
            candidate = objective(trial)
            if candidate[0] >= value - 1e-9 * max(1.0, abs(value)) or scale < 1e-6:
                break
            scale /= 2
        beta, result = trial, candidate
        steps += 1
    return beta, result, steps
