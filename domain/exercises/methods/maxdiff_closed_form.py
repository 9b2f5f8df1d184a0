"""Lipovetsky & Conklin's (2014) closed-form aggregate maxdiff logit, as bwsTools' `ae_mnl`
computes it, from an item's counts: shown n, chosen best b and worst w times,

    p = (n − w + b) / (2n),   utility = ln(p / (1 − p)),
    se = sqrt(p(1 − p) / (2n)) / (p(1 − p)),   choice share = e^utility / Σ e^utility.

Exactly that for every item whose p lies strictly between 0 and 1. An item chosen best (or
worst) every time it was shown has p = 1 (or 0) and no finite value; only those get the usual
continuity correction, half a choice either way: p = (n − w + b + ½) / (2n + 1), and are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClosedForm:
    utility: np.ndarray  # not centred, as bwsTools reports it
    standard_error: np.ndarray
    choice_share: np.ndarray  # 0–1 over the items shown
    corrected: np.ndarray  # bool: at 0 or n, continuity-corrected


def closed_form(shown: np.ndarray, best: np.ndarray, worst: np.ndarray) -> ClosedForm:
    """Per item; items never shown get 0 for every figure and no share."""
    n = shown.astype(float)
    seen = n > 0
    chosen = n - worst + best  # 0 … 2n
    corrected = seen & ((chosen == 0) | (chosen == 2 * n))
    top = np.where(corrected, chosen + 0.5, chosen)
    bottom = np.where(corrected, 2 * n + 1, 2 * n)
    p = np.divide(top, bottom, out=np.full(len(n), 0.5), where=seen)
    utility = np.where(seen, np.log(p / (1 - p)), 0.0)
    pq = p * (1 - p)
    se = np.divide(np.sqrt(pq / np.where(seen, 2 * n, 1)), pq, out=np.zeros(len(n)), where=seen)
    weight = np.where(seen, np.exp(utility), 0.0)
    share = weight / weight.sum() if weight.sum() else weight
    return ClosedForm(utility, se, share, corrected)
