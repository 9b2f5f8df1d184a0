"""TURF (total unduplicated reach and frequency) over MaxDiff individual utilities: which k items
together reach the most respondents, when a team can build only a few.

A respondent is reached by a portfolio when one of its items is among their `top` most
preferred (by their own utilities; ties broken by item order). Reach is the share of
respondents reached; frequency the mean number of portfolio items in their top. Every
combination is tried when there are at most EXHAUSTIVE_MAX of them, otherwise a greedy search
(each step adds the item that reaches most of those not yet reached; a standard (1 − 1/e)
approximation of the best reach).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.errors import ValidationError

EXHAUSTIVE_MAX = 200_000


@dataclass(frozen=True)
class Turf:
    items: tuple[int, ...]  # the portfolio, in the order found (greedy: order of addition)
    reach: float  # 0–1
    frequency: float
    exhaustive: bool


def turf(
    utilities: Sequence[np.ndarray], size: int, top: int, exhaustive_max: int = EXHAUSTIVE_MAX
) -> Turf:
    """`utilities`: one array per respondent, items in the same order."""
    if not utilities:
        raise ValidationError("size", "no respondents' utilities to combine")
    n = len(utilities[0])
    if not 1 <= size <= n:
        raise ValidationError("size", f"size must be 1 to {n}")
    if not 1 <= top <= n:
        raise ValidationError("top", f"top must be 1 to {n}")
    u = np.array(utilities)
    order = np.argsort(-u, axis=1, kind="stable")[:, :top]
    liked = np.zeros(u.shape, dtype=bool)  # respondent × item: among their top
    np.put_along_axis(liked, order, True, axis=1)
    if math.comb(n, size) <= exhaustive_max:
        best, best_key = (), (-1, -1)
        for combo in itertools.combinations(range(n), size):
            hits = liked[:, combo]
            key = (int(hits.any(axis=1).sum()), int(hits.sum()))
            if key > best_key:
                best, best_key = combo, key
        return Turf(best, best_key[0] / len(u), best_key[1] / len(u), True)
    chosen: list[int] = []
    reached = np.zeros(len(u), dtype=bool)
    for _ in range(size):
        gain = (liked & ~reached[:, None]).sum(axis=0) * (len(u) + 1) + liked.sum(axis=0)
        gain[chosen] = -1
        pick = int(np.argmax(gain))
        chosen.append(pick)
        reached |= liked[:, pick]
    hits = liked[:, chosen]
    return Turf(tuple(chosen), float(reached.mean()), float(hits.sum() / len(u)), False)
