"""The maxdiff multinomial logit's log-likelihood, gradient and Hessian, per respondent.

Model (the maxdiff multinomial logit): a respondent shown set S picks best b and worst w with
    P(b, w | S) = exp(v_b − v_w) / Σ_{k≠l ∈ S} exp(v_k − v_l).
Since Σ_{k≠l} exp(v_k − v_l) = (Σ_k e^{v_k})(Σ_l e^{−v_l}) − |S|, the log-likelihood and its
gradient vectorise over all responses at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from okrank.domain.exercises.methods.maxdiff_response import Response


def respondent_groups(
    responses: Sequence[Response], row: dict[str, int]
) -> dict[int, tuple[np.ndarray, ...]]:
    """Responses by set size: (respondent row R, sets R×k, best position R, worst position R)."""
    by_size: dict[int, list[Response]] = {}
    for r in responses:
        by_size.setdefault(len(r.shown), []).append(r)
    out = {}
    for k, rs in by_size.items():
        sets = np.array([r.shown for r in rs], dtype=np.int64)
        best = np.array([r.shown.index(r.best) for r in rs])
        worst = np.array([r.shown.index(r.worst) for r in rs])
        who = np.array([row[r.respondent] for r in rs])
        out[k] = (who, sets, best, worst)
    return out


def log_likelihoods(beta: np.ndarray, groups: dict, n_respondents: int) -> np.ndarray:
    """Per respondent log-likelihood (R,): Σ over their responses of v_b − v_w − log D, with
    D = (Σ e^{v_j})(Σ e^{−v_j}) − k (see `objective_parts`)."""
    ll = np.zeros(n_respondents)
    for k, (who, sets, best, worst) in groups.items():
        v, _, _, _, d = _set_terms(beta, who, sets, k)
        ll += np.bincount(who, weights=_chosen(v, d, best, worst), minlength=n_respondents)
    return ll


def _chosen(v: np.ndarray, d: np.ndarray, best: np.ndarray, worst: np.ndarray) -> np.ndarray:
    rows = np.arange(len(v))
    return v[rows, best] - v[rows, worst] - np.log(d[:, 0])


def _set_terms(beta: np.ndarray, who: np.ndarray, sets: np.ndarray, k: int) -> tuple:
    """Per response: centred utilities v, e = exp(v), 1/e, A = Σ e, D = AB − k (B = Σ 1/e);
    centring keeps exp in range and leaves D unchanged."""
    v = beta[who[:, None], sets]
    v = v - v.mean(axis=1, keepdims=True)
    e = np.exp(v)
    inv = 1.0 / e
    a = e.sum(axis=1, keepdims=True)
    return v, e, inv, a, a * inv.sum(axis=1, keepdims=True) - k


def objective_parts(
    beta: np.ndarray, groups: dict, n_respondents: int, n_items: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per respondent: log-likelihood (R,), gradient (R, n) and Hessian of the negative
    log-likelihood (R, n, n), scattered from each response's set into the respondent's item
    coordinates with bincount.

    Per response, with e_j = exp(v_j), A = Σ e_j, B = Σ 1/e_j and D = AB − k:
        ℓ = v_b − v_w − log D,   ∂D/∂v_j = g_j = e_j B − A/e_j,
        ∂²D/∂v_j∂v_l = δ_jl (e_j B + A/e_j) − e_j/e_l − e_l/e_j,
    so −∇ℓ = g/D − (1_b − 1_w) and −∇²ℓ = ∂²D/D − g gᵀ/D² (positive semi-definite: log D is
    a log-sum-exp of the linear forms v_j − v_l).
    """
    r_count, n = n_respondents, n_items
    ll = np.zeros(r_count)
    grad = np.zeros(r_count * n)
    hess = np.zeros(r_count * n * n)
    for k, (who, sets, best, worst) in groups.items():
        v, e, inv, a, d = _set_terms(beta, who, sets, k)
        ll += np.bincount(who, weights=_chosen(v, d, best, worst), minlength=r_count)
        b = (d + k) / a
        rows = np.arange(len(e))
        g = e * b - a * inv  # (T, k)
        local = -g / d
        local[rows, best] += 1
        local[rows, worst] -= 1
        flat = who[:, None] * n + sets
        grad += np.bincount(flat.ravel(), weights=local.ravel(), minlength=r_count * n)
        ratio = e[:, :, None] * inv[:, None, :]  # e_j / e_l
        second = -(ratio + ratio.transpose(0, 2, 1))
        diagonal = np.arange(k)
        second[:, diagonal, diagonal] += e * b + a * inv
        h = second / d[:, :, None] - g[:, :, None] * g[:, None, :] / (d * d)[:, :, None]
        idx = (who[:, None, None] * n + sets[:, :, None]) * n + sets[:, None, :]
        hess += np.bincount(idx.ravel(), weights=h.ravel(), minlength=r_count * n * n)
    return ll, grad.reshape(r_count, n), hess.reshape(r_count, n, n)
