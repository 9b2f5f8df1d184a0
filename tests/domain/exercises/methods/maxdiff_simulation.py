"""Simulated MaxDiff respondents for the tests: answers drawn from the maxdiff logit."""

from __future__ import annotations

import numpy as np

from okrank.domain.exercises.methods.maxdiff_design import generate_design
from okrank.domain.exercises.methods.maxdiff_response import Response


def answers(
    respondent: str, sets: list[tuple[int, ...]], utilities: np.ndarray, rng: np.random.Generator
) -> list[Response]:
    """One respondent's best and worst in each set, drawn by the maxdiff logit."""
    out = []
    for s in sets:
        pairs = [(b, w) for b in s for w in s if b != w]
        p = np.array([np.exp(utilities[b] - utilities[w]) for b, w in pairs])
        b, w = pairs[rng.choice(len(pairs), p=p / p.sum())]
        out.append(Response(respondent, s, b, w))
    return out


def simulate(true: np.ndarray, respondents: int, seed: int) -> list[Response]:
    """Respondents answering by the maxdiff logit with the given utilities."""
    rng = np.random.default_rng(seed)
    design = generate_design(len(true), 4, 3, versions=respondents, seed=seed)
    return [a for r, sets in enumerate(design.versions) for a in answers(str(r), sets, true, rng)]


def simulate_heterogeneous(
    respondents: int, spread: float, seed: int
) -> tuple[list[Response], dict[str, np.ndarray]]:
    """Each respondent has their own utilities: a common profile plus N(0, spread²) noise."""
    rng = np.random.default_rng(seed)
    common = np.linspace(-2, 2, 20)
    design = generate_design(20, 4, 3, versions=respondents, seed=seed)
    truth, out = {}, []
    for r, sets in enumerate(design.versions):
        own = common + rng.normal(0, spread, 20)
        truth[str(r)] = own
        out += answers(str(r), sets, own, rng)
    return out, truth


def mean_correlation(estimates: dict[str, np.ndarray], truth: dict[str, np.ndarray]) -> float:
    return float(np.mean([np.corrcoef(estimates[k], truth[k])[0, 1] for k in truth]))
