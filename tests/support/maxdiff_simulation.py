"""Simulated MaxDiff respondents answering by the logit model with known utilities."""

from __future__ import annotations

import numpy as np

from okrank.domain.exercises.methods.maxdiff import (
    Response,
    generate_design,
)


def simulate(true: np.ndarray, respondents: int, seed: int) -> list[Response]:
    """Respondents answering by the maxdiff logit with the given utilities."""
    rng = np.random.default_rng(seed)
    design = generate_design(len(true), 4, 3, versions=respondents, seed=seed)
    out = []
    for r, sets in enumerate(design.versions):
        for s in sets:
            pairs = [(b, w) for b in s for w in s if b != w]
            p = np.array([np.exp(true[b] - true[w]) for b, w in pairs])
            b, w = pairs[rng.choice(len(pairs), p=p / p.sum())]
            out.append(Response(str(r), s, b, w))
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
        for s in sets:
            pairs = [(b, w) for b in s for w in s if b != w]
            p = np.array([np.exp(own[b] - own[w]) for b, w in pairs])
            b, w = pairs[rng.choice(len(pairs), p=p / p.sum())]
            out.append(Response(str(r), s, b, w))
    return out, truth
