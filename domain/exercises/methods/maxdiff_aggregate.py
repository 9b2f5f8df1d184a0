"""Aggregate MaxDiff utilities: the maxdiff logit fitted to everyone's answers by maximum
likelihood, or by Firth's penalised likelihood when the maximum does not exist."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.exercises.methods.maxdiff_likelihood import objective_parts, respondent_groups
from okrank.domain.exercises.methods.maxdiff_newton import maximise
from okrank.domain.exercises.methods.maxdiff_response import Response
from okrank.domain.exercises.methods.maxdiff_separation import SeparatedItem, separated_items


def in_item_indices(groups: dict) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`respondent_groups`' groups as (sets R×k, best R, worst R) in item indices."""
    out = []
    for _, sets, best, worst in groups.values():
        rows = np.arange(len(sets))
        out.append((sets, sets[rows, best], sets[rows, worst]))
    return out


class Estimator:
    """How the aggregate utilities were estimated."""

    MAXIMUM_LIKELIHOOD = "MAXIMUM_LIKELIHOOD"
    FIRTH = "FIRTH"  # penalised likelihood, used only when the maximum does not exist


@dataclass(frozen=True)
class AggregateFit:
    """The maxdiff logit fitted to everyone's answers.

    Two codings of the same estimate: centred (utilities sum to 0 over the items shown; the
    standard errors are those of the centred values) and reference-coded (each utility minus the
    reference item's, which is 0; the standard errors are those R's clogit, support.BWS and
    Sawtooth's aggregate logit report). Items never shown have 0 and no standard error."""

    utilities: np.ndarray
    standard_errors: np.ndarray
    reference: int
    reference_utilities: np.ndarray
    reference_standard_errors: np.ndarray
    log_likelihood: float  # of the (unpenalised) model at the estimate
    score_norm: float  # largest |gradient| of the maximised objective at the estimate
    estimator: str  # an Estimator value
    separated: list[SeparatedItem]
    steps: int


def fit_aggregate(
    responses: Sequence[Response], n_items: int, reference: int | None = None
) -> AggregateFit:
    """Maximum-likelihood utilities by Newton's method with the analytic Hessian, to a score of
    at most SCORE_TOLERANCE; no penalty when the maximum exists. When it does not (separation,
    see `maxdiff_separation`), Firth's (1993) penalised likelihood ℓ + ½ log det I(β), whose
    maximum always exists and is finite, with the affected items listed. `reference` defaults to
    the last item shown."""
    shown = np.zeros(n_items, dtype=bool)
    shown[[i for r in responses for i in r.shown]] = True
    order = np.flatnonzero(shown)
    if len(order) < 2:
        zero = np.zeros(n_items)
        return AggregateFit(zero, zero, 0, zero, zero, 0.0, 0.0, "MAXIMUM_LIKELIHOOD", [], 0)
    reference = int(order[-1]) if reference is None else reference
    free = order[:-1]  # the last item shown is held at 0 while fitting (identification)
    groups = respondent_groups(responses, {r.respondent: 0 for r in responses})
    separated = separated_items(in_item_indices(groups), n_items)
    firth = bool(separated)

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float]:
        ll, grad, hess = objective_parts(beta[None], groups, 1, n_items)
        h = hess[0][np.ix_(free, free)]
        if not firth:
            return float(ll[0]), grad[0][free], h, float(ll[0])
        inverse = np.zeros((n_items, n_items))
        inverse[np.ix_(free, free)] = np.linalg.inv(h)
        score = grad[0] + firth_half_trace(beta, groups, inverse, n_items)
        penalised = float(ll[0]) + np.linalg.slogdet(h)[1] / 2
        return penalised, score[free], h, float(ll[0])

    beta, (_, score, hess, ll), steps = maximise(objective, np.zeros(n_items), free)
    cov = np.zeros((n_items, n_items))
    cov[np.ix_(free, free)] = np.linalg.inv(hess)
    centre = np.zeros((n_items, n_items))
    centre[np.ix_(order, order)] = np.eye(len(order)) - 1.0 / len(order)
    utilities = centre @ beta
    se = np.sqrt(np.clip(np.diag(centre @ cov @ centre.T), 0, None))
    relative = np.where(shown, beta - beta[reference], 0.0)
    var = np.diag(cov) + cov[reference, reference] - 2 * cov[:, reference]
    reference_se = np.where(shown, np.sqrt(np.clip(var, 0, None)), 0.0)
    return AggregateFit(
        utilities,
        se,
        reference,
        relative,
        reference_se,
        ll,
        float(np.abs(score).max()),
        Estimator.FIRTH if firth else Estimator.MAXIMUM_LIKELIHOOD,
        separated,
        steps,
    )


def firth_half_trace(
    beta: np.ndarray,
    groups: dict,
    inverse: np.ndarray,
    n_items: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """½ ∂ log det I(β) / ∂β_c = ½ tr(I⁻¹ ∂I/∂β_c), per item c (Firth's score adjustment).

    Per answer the outcomes are the ordered pairs (a, l) of the set, with features x = 1_a − 1_l
    and probabilities π ∝ exp(v_a − v_l); I(β) = Σ Cov_π(x) and ∂Cov_π(x)/∂β_c is the third
    central moment E_π[(x − μ)(x − μ)ᵀ (x_c − μ_c)], so the trace is
    Σ_pairs π (x − μ)ᵀ I⁻¹ (x − μ) (x_c − μ_c), summed over answers (each weighted by its
    respondent's `weights` entry, if given: the bootstrap's resampling counts)."""
    out = np.zeros(n_items)
    for k, (who, sets, _best, _worst) in groups.items():
        a, lo = np.array([(i, j) for i in range(k) for j in range(k) if i != j]).T
        features = np.eye(k)[a] - np.eye(k)[lo]  # (P, k)
        v = beta[sets]
        v = v - v.mean(axis=1, keepdims=True)
        logits = v[:, a] - v[:, lo]
        pi = np.exp(logits - logits.max(axis=1, keepdims=True))
        pi /= pi.sum(axis=1, keepdims=True)  # (T, P)
        centred = features[None] - (pi @ features)[:, None, :]  # (T, P, k)
        local = inverse[sets[:, :, None], sets[:, None, :]]  # (T, k, k)
        quad = np.einsum("tpa,tab,tpb->tp", centred, local, centred)
        w = np.einsum("tp,tp,tpc->tc", pi, quad, centred)
        if weights is not None:
            w *= weights[who][:, None]
        out += np.bincount(sets.ravel(), weights=w.ravel(), minlength=n_items)
    return out / 2


def fit_mnl(responses: Sequence[Response], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred utilities and their standard errors (see `fit_aggregate`)."""
    fit = fit_aggregate(responses, n_items)
    return fit.utilities, fit.standard_errors
