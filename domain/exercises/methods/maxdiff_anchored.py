"""Anchored MaxDiff (dual response): utilities on an absolute scale, with a threshold at 0.

After each set the respondent also answers "are any of these important at all?" (yes / no).
We implement the dual-response idea proposed by Louviere and described by Orme (2009,
"Anchored Scaling in MaxDiff Using Dual-Response", Sawtooth Software research paper): the
anchor (threshold) is an extra alternative of the set whose utility is fixed at 0, and each
threshold answer adds one choice task from the set's items plus the anchor to the maxdiff logit:
- "no" (none of them is important): the anchor is chosen first, P = 1 / (1 + Σ_S e^{v_j})
  (Sawtooth's coding of "none of these are important");
- "yes" (some are): the set's best item is chosen first, P = e^{v_b} / (1 + Σ_S e^{v_j}): the
  best item is above the threshold, in the same task (the random-utility model in which the
  answer and the best choice come from one comparison of the items and the anchor; coding
  "yes" as the best item against the anchor alone put every utility about 0.8 too high on
  respondents simulated by that model).
The maxdiff answers and these tasks are fitted together by maximum likelihood (Newton, analytic
Hessian); every utility is then relative to the anchor, and an item "matters at all" when its
utility is above 0. Items never shown keep 0 and no standard error.

The maximum exists when the answers leave no group of items (or the anchor) unbounded: the
separation graph of `maxdiff_separation` with the anchor as one more node (edges anchor → best
for "yes", item → anchor for each item of a "no" set) must be strongly connected. If it is not
(e.g. every threshold answer is "yes"), the anchored utilities are not given and `message` says
why: there is no principled finite value to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.exercises.methods.maxdiff_aggregate import in_item_indices
from okrank.domain.exercises.methods.maxdiff_likelihood import objective_parts, respondent_groups
from okrank.domain.exercises.methods.maxdiff_newton import maximise
from okrank.domain.exercises.methods.maxdiff_response import Response
from okrank.domain.exercises.methods.maxdiff_separation import separated_items

ANCHOR = -1  # the anchor's column in a threshold task's choice


@dataclass(frozen=True)
class AnchoredFit:
    """Utilities relative to the anchor (0), or None when the maximum does not exist."""

    answers: int  # threshold answers used
    utilities: np.ndarray | None
    standard_errors: np.ndarray | None
    log_likelihood: float | None  # maxdiff answers and threshold tasks together
    message: str | None  # why there are no anchored utilities


def fit_anchored(responses: Sequence[Response], n_items: int) -> AnchoredFit | None:
    """The joint fit (see the module doc); None when no answer carries a threshold answer."""
    answered = [r for r in responses if r.important is not None]
    if not answered:
        return None
    tasks = threshold_tasks(answered)
    groups = respondent_groups(responses, {r.respondent: 0 for r in responses})
    if separated_items(in_item_indices(groups), n_items + 1, _anchor_edges(answered, n_items)):
        return AnchoredFit(len(answered), None, None, None, _unbounded(answered))
    shown = np.zeros(n_items, dtype=bool)
    shown[[i for r in responses for i in r.shown]] = True
    free = np.flatnonzero(shown)

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        ll, grad, hess = objective_parts(beta[None], groups, 1, n_items)
        t_ll, t_grad, t_hess = threshold_parts(beta, tasks, n_items)
        h = (hess[0] + t_hess)[np.ix_(free, free)]
        return float(ll[0]) + t_ll, (grad[0] + t_grad)[free], h

    beta, (value, _, hess), _ = maximise(objective, np.zeros(n_items), free)
    se = np.zeros(n_items)
    se[free] = np.sqrt(np.clip(np.diag(np.linalg.inv(hess)), 0, None))
    return AnchoredFit(len(answered), beta, se, value, None)


def threshold_tasks(answered: Sequence[Response]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Threshold tasks by number of item alternatives m (the anchor is always one more):
    (items T×m, chosen column T, ANCHOR for the anchor)."""
    by_size: dict[int, tuple[list[tuple[int, ...]], list[int]]] = {}
    for r in answered:
        items, chosen = (r.shown, r.shown.index(r.best)) if r.important else (r.shown, ANCHOR)
        rows, picks = by_size.setdefault(len(items), ([], []))
        rows.append(items)
        picks.append(chosen)
    return {
        m: (np.array(rows, dtype=np.int64), np.array(picks)) for m, (rows, picks) in by_size.items()
    }


def threshold_parts(
    beta: np.ndarray, tasks: dict[int, tuple[np.ndarray, np.ndarray]], n_items: int
) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, gradient and Hessian of the negative log-likelihood of the threshold
    tasks. Per task, a multinomial logit over the items and the anchor (utility 0): with p the
    choice probabilities of the items, ∇ℓ = 1_chosen − p and −∇²ℓ = diag(p) − p pᵀ."""
    ll = 0.0
    grad = np.zeros(n_items)
    hess = np.zeros(n_items * n_items)
    for m, (items, chosen) in tasks.items():
        logits = np.concatenate([beta[items], np.zeros((len(items), 1))], axis=1)
        top = logits.max(axis=1, keepdims=True)
        e = np.exp(logits - top)
        total = e.sum(axis=1, keepdims=True)
        p = e / total
        rows = np.arange(len(items))
        ll += float((logits[rows, chosen] - top[:, 0] - np.log(total[:, 0])).sum())
        p_items = p[:, :m]
        local = -p_items
        picked = chosen != ANCHOR
        local[rows[picked], chosen[picked]] += 1
        grad += np.bincount(items.ravel(), weights=local.ravel(), minlength=n_items)
        h = -p_items[:, :, None] * p_items[:, None, :]
        diagonal = np.arange(m)
        h[:, diagonal, diagonal] += p_items
        idx = items[:, :, None] * n_items + items[:, None, :]
        hess += np.bincount(idx.ravel(), weights=h.ravel(), minlength=n_items * n_items)
    return ll, grad, hess.reshape(n_items, n_items)


def _anchor_edges(answered: Sequence[Response], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Separation edges "tail ≤ head" of the threshold answers; the anchor is node n_items."""
    tails, heads = [], []
    for r in answered:
        if r.important:
            tails.append(n_items)
            heads.append(r.best)
        else:
            tails += list(r.shown)
            heads += [n_items] * len(r.shown)
    return np.array(tails, dtype=np.int64), np.array(heads, dtype=np.int64)


def _unbounded(answered: Sequence[Response]) -> str:
    if all(r.important for r in answered):
        return (
            "every threshold answer is 'yes': nothing places the threshold below any item, so "
            "the anchored utilities have no maximum-likelihood estimate"
        )
    if not any(r.important for r in answered):
        return (
            "every threshold answer is 'no': nothing places any item above the threshold, so "
            "the anchored utilities have no maximum-likelihood estimate"
        )
    return (
        "the answers do not bound every item against the threshold (or each other), so the "
        "anchored utilities have no maximum-likelihood estimate"
    )
