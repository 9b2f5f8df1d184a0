"""MaxDiff (best-worst scaling): balanced designs, counts, and utilities.

Pure numpy/scipy. Items are indices 0..n-1; callers map them to candidates.

Model (the maxdiff multinomial logit): a respondent shown set S picks best b and worst w with
    P(b, w | S) = exp(v_b − v_w) / Σ_{k≠l ∈ S} exp(v_k − v_l).
Since Σ_{k≠l} exp(v_k − v_l) = (Σ_k e^{v_k})(Σ_l e^{−v_l}) − |S|, the log-likelihood and its
gradient vectorise over all responses at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from domain.errors import ValidationError

RIDGE = 1e-3  # keeps utilities finite when an item is always (or never) chosen


@dataclass(frozen=True)
class Response:
    """One answer: the set shown, the best and the worst of it."""

    respondent: str
    shown: tuple[int, ...]
    best: int
    worst: int


def validate_response(r: Response, n_items: int) -> None:
    if len(set(r.shown)) != len(r.shown):
        raise ValidationError("shown", "an item appears twice in the set")
    if not 3 <= len(r.shown) <= 20 or any(not 0 <= i < n_items for i in r.shown):
        raise ValidationError("shown", "a set has 3 or more known items")
    if r.best == r.worst:
        raise ValidationError("worst", "best and worst must differ")
    if r.best not in r.shown:
        raise ValidationError("best", "best must be one of the items shown")
    if r.worst not in r.shown:
        raise ValidationError("worst", "worst must be one of the items shown")


@dataclass(frozen=True)
class Design:
    """Sets per version (one version per participant)."""

    versions: list[list[tuple[int, ...]]]


def generate_design(
    n_items: int, set_size: int = 4, appearances: int = 3, versions: int = 1, seed: int = 0
) -> Design:
    """Balanced incomplete sets: in each version every item appears `appearances` times (±1) and
    pairs co-occur as evenly as a greedy choice with random tie-breaks allows."""
    if n_items < 3:
        raise ValidationError("candidates", "MaxDiff needs at least 3 items")
    if not 3 <= set_size <= 5 or set_size > n_items:
        raise ValidationError("setSize", "set size must be 3–5 and at most the number of items")
    rng = np.random.default_rng(seed)
    n_sets = -(-n_items * appearances // set_size)
    out = []
    for _ in range(versions):
        freq = np.zeros(n_items)
        pairs = np.zeros((n_items, n_items))
        sets: list[list[int]] = []
        for _ in range(n_sets):
            chosen: list[int] = []
            for _ in range(set_size):
                candidates = [i for i in range(n_items) if i not in chosen]
                # Least shown first, then least paired with what is already in the set.
                score = [(freq[i], pairs[i, chosen].sum(), rng.random()) for i in candidates]
                chosen.append(candidates[min(range(len(candidates)), key=score.__getitem__)])
            for i in chosen:
                freq[i] += 1
                for j in chosen:
                    if i != j:
                        pairs[i, j] += 1
            sets.append(sorted(chosen))
        _improve_pairs(sets, pairs, rng)
        out.append([tuple(sorted(int(i) for i in s)) for s in sets])
    return Design(out)


def _improve_pairs(
    sets: list[list[int]], pairs: np.ndarray, rng: np.random.Generator, attempts_per_set: int = 60
) -> None:
    """Swap items between sets when that evens out pair co-occurrences (item frequencies are
    unchanged by a swap). Objective: the sum of squared pair counts."""
    for _ in range(attempts_per_set * len(sets)):
        a, b = rng.choice(len(sets), 2, replace=False)
        x, y = sets[a][rng.integers(len(sets[a]))], sets[b][rng.integers(len(sets[b]))]
        if x in sets[b] or y in sets[a]:
            continue
        rest_a = [i for i in sets[a] if i != x]
        rest_b = [i for i in sets[b] if i != y]
        # Change in Σ pairs² when x leaves a for b and y leaves b for a (counts are symmetric).
        delta = 0.0
        for i in rest_a:
            delta += (pairs[x, i] - 1) ** 2 - pairs[x, i] ** 2
            delta += (pairs[y, i] + 1) ** 2 - pairs[y, i] ** 2
        for j in rest_b:
            delta += (pairs[y, j] - 1) ** 2 - pairs[y, j] ** 2
            delta += (pairs[x, j] + 1) ** 2 - pairs[x, j] ** 2
        if delta <= 0:  # sideways moves too: they walk off plateaus
            for i in rest_a:
                pairs[x, i] -= 1
                pairs[i, x] -= 1
                pairs[y, i] += 1
                pairs[i, y] += 1
            for j in rest_b:
                pairs[y, j] -= 1
                pairs[j, y] -= 1
                pairs[x, j] += 1
                pairs[j, x] += 1
            sets[a] = [*rest_a, y]
            sets[b] = [*rest_b, x]


def balance(design: Design) -> dict[str, float]:
    """Spread of item frequencies and pair co-occurrences, per version (worst version)."""
    freq_spread, pair_spread = 0.0, 0.0
    for sets in design.versions:
        n = 1 + max(i for s in sets for i in s)
        freq = np.bincount([i for s in sets for i in s], minlength=n)
        pairs = np.zeros((n, n))
        for s in sets:
            for i in s:
                for j in s:
                    if i != j:
                        pairs[i, j] += 1
        off = pairs[~np.eye(n, dtype=bool)]
        freq_spread = max(freq_spread, float(freq.max() - freq.min()))
        pair_spread = max(pair_spread, float(off.max() - off.min()))
    return {"item_frequency_spread": freq_spread, "pair_cooccurrence_spread": pair_spread}


@dataclass(frozen=True)
class ItemResult:
    item: int
    shown: int
    best: int
    worst: int
    counting_score: float  # (best − worst) / shown
    utility: float  # maximum-likelihood, centred to sum 0
    standard_error: float
    analytical_utility: float  # Lipovetsky & Conklin closed form
    share: float  # 0–100 share of preference
    rank: int


def _arrays(responses: Sequence[Response]) -> dict[int, tuple[np.ndarray, ...]]:
    """Responses grouped by set size: (sets R×k, best R, worst R)."""
    groups: dict[int, list[Response]] = {}
    for r in responses:
        groups.setdefault(len(r.shown), []).append(r)
    return {
        k: (
            np.array([r.shown for r in rs], dtype=np.int64),
            np.array([r.best for r in rs], dtype=np.int64),
            np.array([r.worst for r in rs], dtype=np.int64),
        )
        for k, rs in groups.items()
    }


def _neg_ll_and_grad(free: np.ndarray, groups: dict, n: int) -> tuple[float, np.ndarray]:
    v = np.append(free, 0.0)  # the last item is the reference (identification)
    ll, grad = 0.0, np.zeros(n)
    for k, (sets, best, worst) in groups.items():
        e = np.exp(v[sets])
        a, b = e.sum(axis=1), (1.0 / e).sum(axis=1)
        d = a * b - k
        ll += float((v[best] - v[worst] - np.log(d)).sum())
        grad += np.bincount(best, minlength=n) - np.bincount(worst, minlength=n)
        dd = (e * b[:, None] - a[:, None] / e) / d[:, None]
        grad -= np.bincount(sets.ravel(), weights=dd.ravel(), minlength=n)
    ll -= RIDGE * float(v @ v) / 2
    grad -= RIDGE * v
    return -ll, -grad[:-1]


def fit_mnl(responses: Sequence[Response], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood utilities (centred to sum 0) and their standard errors."""
    groups = _arrays(responses)
    result = optimize.minimize(
        _neg_ll_and_grad,
        np.zeros(n_items - 1),
        args=(groups, n_items),
        jac=True,
        method="L-BFGS-B",
    )
    free = result.x
    # Hessian of the negative log-likelihood by central differences of the analytic gradient.
    h = 1e-5
    hess = np.empty((n_items - 1, n_items - 1))
    for i in range(n_items - 1):
        step = np.zeros(n_items - 1)
        step[i] = h
        hess[i] = (
            _neg_ll_and_grad(free + step, groups, n_items)[1]
            - _neg_ll_and_grad(free - step, groups, n_items)[1]
        ) / (2 * h)
    hess = (hess + hess.T) / 2
    cov_free = np.linalg.pinv(hess)
    # Centre: u = C v with v = (free, 0); covariance C Σ Cᵀ on the padded matrix.
    cov = np.zeros((n_items, n_items))
    cov[:-1, :-1] = cov_free
    centre = np.eye(n_items) - 1.0 / n_items
    utilities = centre @ np.append(free, 0.0)
    se = np.sqrt(np.clip(np.diag(centre @ cov @ centre.T), 0, None))
    return utilities, se


def counts(responses: Sequence[Response], n_items: int) -> tuple[np.ndarray, ...]:
    shown = np.bincount([i for r in responses for i in r.shown], minlength=n_items)
    best = np.bincount([r.best for r in responses], minlength=n_items)
    worst = np.bincount([r.worst for r in responses], minlength=n_items)
    return shown, best, worst


def analytical_utilities(shown: np.ndarray, best: np.ndarray, worst: np.ndarray) -> np.ndarray:
    """Lipovetsky & Conklin's (2014) closed-form aggregate logit: with d = (B − W) / N,
    u = ln((1 + d) / (1 − d)) = ln((N + B − W) / (N − B + W)); a continuity correction of 0.5
    keeps an item chosen best (or worst) every time it was shown finite. Centred to sum 0."""
    n = shown.astype(float)
    u = np.log((n + best - worst + 0.5) / (n - best + worst + 0.5))
    return u - u.mean()


def analyse(responses: Sequence[Response], n_items: int) -> list[ItemResult]:
    """Every figure per item, ranked by utility (ties: counting score, then item order)."""
    for r in responses:
        validate_response(r, n_items)
    shown, best, worst = counts(responses, n_items)
    utilities, se = fit_mnl(responses, n_items)
    analytical = analytical_utilities(shown, best, worst)
    counting = np.divide(best - worst, shown, out=np.zeros(n_items), where=shown > 0)
    share = np.exp(utilities) / np.exp(utilities).sum() * 100
    order = sorted(range(n_items), key=lambda i: (-utilities[i], -counting[i], i))
    rank = {item: position + 1 for position, item in enumerate(order)}
    return [
        ItemResult(
            i,
            int(shown[i]),
            int(best[i]),
            int(worst[i]),
            float(counting[i]),
            float(utilities[i]),
            float(se[i]),
            float(analytical[i]),
            float(share[i]),
            rank[i],
        )
        for i in range(n_items)
    ]
