"""Simulated MaxDiff respondents answering by the logit model with known utilities."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from okrank.domain.exercises.methods.maxdiff_design import generate_design
from okrank.domain.exercises.methods.maxdiff_response import Response


def answer(
    rng: np.random.Generator, utilities: np.ndarray, respondent: str, shown: tuple[int, ...]
) -> Response:
    """One respondent's best and worst of the `shown` set, drawn by the maxdiff logit."""
    pairs = [(b, w) for b in shown for w in shown if b != w]
    p = np.array([np.exp(utilities[b] - utilities[w]) for b, w in pairs])
    b, w = pairs[rng.choice(len(pairs), p=p / p.sum())]
    return Response(respondent, shown, b, w)


def simulate(true: np.ndarray, respondents: int, seed: int) -> list[Response]:
    """Respondents answering by the maxdiff logit with the given utilities."""
    rng = np.random.default_rng(seed)
    design = generate_design(len(true), 4, 3, versions=respondents, seed=seed)
    out = []
    for r, sets in enumerate(design.versions):
        out += [answer(rng, true, str(r), s) for s in sets]
    return out


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
        out += [answer(rng, own, str(r), s) for s in sets]
    return out, truth


def mean_correlation(estimates: dict[str, np.ndarray], truth: dict[str, np.ndarray]) -> float:
    return float(np.mean([np.corrcoef(estimates[k], truth[k])[0, 1] for k in truth]))


def simulate_anchored(true: np.ndarray, respondents: int, seed: int) -> list[Response]:
    """Respondents answering by the maxdiff logit and, after each set, "are any of these
    important at all?" by the random-utility model with the anchor as one more alternative of
    utility 0: "no" when the anchor would be chosen first from the set plus the anchor."""
    rng = np.random.default_rng(seed)
    design = generate_design(len(true), 4, 3, versions=respondents, seed=seed)
    out = []
    for r, sets in enumerate(design.versions):
        for s in sets:
            plain = answer(rng, true, str(r), s)
            none = 1.0 / (1.0 + np.exp(true[list(s)]).sum())
            out.append(replace(plain, important=bool(rng.random() >= none)))
    return out
