"""How sure is a MaxDiff ranking? Bootstrap over respondents, seeded and reproducible.

Each replicate draws the respondents with replacement (multinomial weights) and re-estimates the
aggregate utilities by one Newton step from the full-sample estimate β̂ with the replicate's
weighted score (with Firth's adjustment when β̂ is Firth's) and information: the one-step
bootstrap, asymptotically the same as refitting, and 200 replicates cost one pass over the
answers instead of 200 fits. From the replicates: 95% percentile intervals for each item's
utility, share and rank; for each pair of items adjacent in the ranking, the share of replicates
in which their order holds; and how many respondents would make that order hold at 95% if the
gap stayed as it is (the bootstrap standard error of the gap shrinks as 1/√respondents).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.exercises.methods.maxdiff_aggregate import firth_half_trace
from okrank.domain.exercises.methods.maxdiff_likelihood import objective_parts, respondent_groups
from okrank.domain.exercises.methods.maxdiff_response import Response

REPLICATES = 200
SEED = 0
CLEAR = 0.95  # an order "clearly holds" when it does in this share of replicates
Z95 = 1.959963984540054


@dataclass(frozen=True)
class ItemConfidence:
    # None with fewer than two respondents: there is no spread between respondents to resample.
    utility_interval: tuple[float, float] | None
    share_interval: tuple[float, float] | None  # 0–100
    rank_interval: tuple[int, int] | None
    ahead_of_next: float | None  # P(order with the next-ranked item holds); None for the last
    respondents_to_separate: int | None  # to make that order hold at 95%; None if it does


@dataclass(frozen=True)
class RankingConfidence:
    items: dict[int, ItemConfidence]
    summary: str
    replicates: int
    seed: int


def bootstrap(
    responses: Sequence[Response],
    n_items: int,
    utilities: np.ndarray,
    order: Sequence[int],
    replicates: int = REPLICATES,
    seed: int = SEED,
    penalised: bool = False,
) -> RankingConfidence:
    """`utilities`: the full-sample centred estimate; `order`: the items shown, best first;
    `penalised`: the estimate is Firth's (separation), so replicates maximise its criterion."""
    ids = list(dict.fromkeys(r.respondent for r in responses))
    if len(ids) < 2:
        return unknowable(order, len(ids), replicates, seed)
    groups = respondent_groups(responses, {k: n for n, k in enumerate(ids)})
    shown = np.array(sorted(order))
    free = shown[:-1]  # the last shown item is held fixed (identification), as in the fit
    beta = np.tile(utilities, (len(ids), 1))
    _, grad, hess = objective_parts(beta, groups, len(ids), n_items)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=replicates)
    g = weights @ grad[:, free]  # (B, f)
    h = np.einsum("br,rij->bij", weights, hess[:, free][:, :, free])
    if penalised:  # Firth's estimate: each replicate's score carries its own adjustment
        for b in range(replicates):
            inverse = np.zeros((n_items, n_items))
            inverse[np.ix_(free, free)] = np.linalg.pinv(h[b])
            g[b] += firth_half_trace(utilities, groups, inverse, n_items, weights[b])[free]
    step = np.linalg.solve(h + 1e-9 * np.eye(len(free)), g[:, :, None])[:, :, 0]
    draws = np.tile(utilities, (replicates, 1))
    draws[:, free] += step
    draws[:, shown] -= draws[:, shown].mean(axis=1, keepdims=True)
    e = np.exp(draws[:, shown] - draws[:, shown].max(axis=1, keepdims=True))
    shares = np.zeros_like(draws)
    shares[:, shown] = e / e.sum(axis=1, keepdims=True) * 100
    ranks = np.zeros_like(draws, dtype=np.int64)
    ranks[:, shown] = (-draws[:, shown]).argsort(axis=1).argsort(axis=1) + 1
    out = {}
    for position, item in enumerate(order):
        nxt = order[position + 1] if position + 1 < len(order) else None
        ahead = separate = None
        if nxt is not None:
            gap = draws[:, item] - draws[:, nxt]
            ahead = float((gap > 0).mean())
            sd, mean = float(gap.std()), float(utilities[item] - utilities[nxt])
            if ahead < CLEAR:
                separate = math.ceil(len(ids) * (Z95 * sd / mean) ** 2) if mean > 1e-12 else None
        out[item] = ItemConfidence(
            _interval(draws[:, item]),
            _interval(shares[:, item]),
            (int(np.percentile(ranks[:, item], 2.5)), int(np.percentile(ranks[:, item], 97.5))),
            ahead,
            separate,
        )
    summary = plain_words([out[i].ahead_of_next for i in order[:-1]], len(ids))
    return RankingConfidence(out, summary, replicates, seed)


def unknowable(
    order: Sequence[int], respondents: int, replicates: int, seed: int
) -> RankingConfidence:
    """One respondent: every replicate draws that respondent, so every interval would be a
    point and every order would "clearly hold" — a certainty the answers do not give."""
    nothing = ItemConfidence(None, None, None, None, None)
    who = "respondent" if respondents == 1 else "respondents"
    summary = (
        f"With {respondents} {who}: too few to say how sure the order is (resampling "
        "respondents needs at least 2)."
    )
    return RankingConfidence(dict.fromkeys(order, nothing), summary, replicates, seed)


def _interval(values: np.ndarray) -> tuple[float, float]:
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def plain_words(ahead: Sequence[float | None], respondents: int) -> str:
    """Tiers of the ranking, cut where the order with the next item holds in ≥ 95% of
    replicates: "With 40 respondents: rank 1 is clearly ahead; ranks 2–4 cannot be told
    apart; ranks 5–7 cannot be told apart." (ranks, not names: the caller has the names)."""
    n = len(ahead) + 1
    cuts = [k + 1 for k, p in enumerate(ahead) if p is not None and p >= CLEAR]
    bounds = [0, *cuts, n]
    parts = []
    for lo, hi in itertools.pairwise(bounds):
        if hi - lo == 1:
            last = hi == n
            parts.append(
                f"rank {hi} is clearly behind the rest" if last and lo > 0 else
                f"rank {hi} is clearly ahead of the rest" if lo == 0 else
                f"rank {hi} stands on its own"
            )  # fmt: skip
        else:
            parts.append(f"ranks {lo + 1}–{hi} cannot be told apart")
    if len(bounds) == 2:
        parts = [f"no item is clearly ahead of the next (ranks 1–{n} overlap)"]
    who = "respondent" if respondents == 1 else "respondents"
    return f"With {respondents} {who}: " + "; ".join(parts) + "."
