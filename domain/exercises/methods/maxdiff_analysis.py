"""Every MaxDiff figure per item: counts, counting scores, aggregate and closed-form utilities,
shares and ranks, assembled from the fits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.exercises.methods.maxdiff_aggregate import AggregateFit, fit_aggregate
from okrank.domain.exercises.methods.maxdiff_closed_form import closed_form
from okrank.domain.exercises.methods.maxdiff_response import Response, validate_response


@dataclass(frozen=True)
class ItemResult:
    item: int
    shown: int
    best: int
    worst: int
    counting_score: float  # (best − worst) / shown
    utility: float  # maximum-likelihood (Firth when separated), centred to sum 0
    standard_error: float  # of the centred utility
    analytical_utility: float  # Lipovetsky & Conklin closed form (bwsTools' b), not centred
    share: float  # 0–100 share of preference over the items shown
    rank: int
    reference_utility: float = 0.0  # utility minus the reference item's
    reference_standard_error: float = 0.0  # as R's clogit and Sawtooth report it
    analytical_standard_error: float = 0.0
    analytical_choice_share: float = 0.0  # 0–1, e^b / Σ e^b
    analytical_corrected: bool = False  # at 0 or n: continuity-corrected
    separation: str | None = None  # why the ML utility does not exist, when it does not


@dataclass(frozen=True)
class Analysis:
    """Per-item figures (by item index) and the aggregate fit they come from."""

    items: list[ItemResult]
    fit: AggregateFit


def counts(responses: Sequence[Response], n_items: int) -> tuple[np.ndarray, ...]:
    shown = np.bincount([i for r in responses for i in r.shown], minlength=n_items)
    best = np.bincount([r.best for r in responses], minlength=n_items)
    worst = np.bincount([r.worst for r in responses], minlength=n_items)
    return shown, best, worst


def analytical_utilities(shown: np.ndarray, best: np.ndarray, worst: np.ndarray) -> np.ndarray:
    """Lipovetsky & Conklin's closed-form utilities (see `maxdiff_closed_form`)."""
    return closed_form(shown, best, worst).utility


def analyse(responses: Sequence[Response], n_items: int) -> list[ItemResult]:
    """Every figure per item (see `analysis`)."""
    return analysis(responses, n_items).items


def analysis(responses: Sequence[Response], n_items: int) -> Analysis:
    """Every figure per item, ranked by utility (ties: counting score, then item order)."""
    for r in responses:
        validate_response(r, n_items)
    shown, best, worst = counts(responses, n_items)
    fit = fit_aggregate(responses, n_items)
    utilities = fit.utilities
    closed = closed_form(shown, best, worst)
    counting = np.divide(best - worst, shown, out=np.zeros(n_items), where=shown > 0)
    weight = np.where(shown > 0, np.exp(utilities), 0.0)
    share = weight / weight.sum() * 100 if weight.sum() else weight
    order = sorted(range(n_items), key=lambda i: (-utilities[i], -counting[i], i))
    rank = {item: position + 1 for position, item in enumerate(order)}
    why = {s.item: s.message for s in fit.separated}
    items = [
        ItemResult(
            i,
            int(shown[i]),
            int(best[i]),
            int(worst[i]),
            float(counting[i]),
            float(utilities[i]),
            float(fit.standard_errors[i]),
            float(closed.utility[i]),
            float(share[i]),
            rank[i],
            float(fit.reference_utilities[i]),
            float(fit.reference_standard_errors[i]),
            float(closed.standard_error[i]),
            float(closed.choice_share[i]),
            bool(closed.corrected[i]),
            why.get(i),
        )
        for i in range(n_items)
    ]
    return Analysis(items, fit)
