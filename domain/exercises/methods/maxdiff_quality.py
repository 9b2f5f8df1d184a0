"""Response quality per MaxDiff respondent: root likelihood against its chance level,
straightlining and speeding.

RLH (root likelihood, as Sawtooth reports it) is the geometric mean of the probability the
model gives each of a respondent's answers: exp(ℓ_r / answers). A respondent choosing at random
gets, per set of k items, 1 / (k(k − 1)) (any ordered best–worst pair), so chance RLH is the
geometric mean of that over their sets. Two RLHs are given: under the respondent's own
(empirical-Bayes) utilities, and under everyone's aggregate utilities. The first always fits a
little (it is estimated from those answers); the second does not, so the flag "no better than
chance" uses it: aggregate RLH ≤ chance RLH means the answers agree with the shared model no
more than coin flips would. A straightliner picks best (or worst) in the same position of every
set, over at least STRAIGHTLINE_MIN answers.

A speeder took less than SPEEDER_FRACTION of the median duration (seconds; from a participant's
first ballot to their last, or an import's `duration` column), the usual survey-industry
screen for respondents who cannot have read the sets. Only respondents with a duration are
compared, and only when at least SPEEDER_MIN_RESPONDENTS have one: a median of two says little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.exercises.methods.maxdiff_likelihood import log_likelihoods, respondent_groups
from okrank.domain.exercises.methods.maxdiff_response import Response

STRAIGHTLINE_MIN = 4
SPEEDER_FRACTION = 1 / 3  # of the median duration
SPEEDER_MIN_RESPONDENTS = 5


@dataclass(frozen=True)
class RespondentQuality:
    answers: int
    rlh: float  # under their own utilities
    aggregate_rlh: float  # under everyone's
    chance_rlh: float
    no_better_than_chance: bool  # aggregate_rlh ≤ chance_rlh
    straightliner: bool
    speeder: bool = False
    duration: float | None = None  # seconds, when known


def respondent_quality(
    responses: Sequence[Response],
    n_items: int,
    individual: dict[str, np.ndarray],
    aggregate: np.ndarray,
    durations: dict[str, float] | None = None,
) -> dict[str, RespondentQuality]:
    ids = list(dict.fromkeys(r.respondent for r in responses))
    row = {k: n for n, k in enumerate(ids)}
    groups = respondent_groups(responses, row)
    own = np.array([individual[k] for k in ids])
    ll_own = log_likelihoods(own, groups, len(ids))
    ll_all = log_likelihoods(np.tile(aggregate, (len(ids), 1)), groups, len(ids))
    answers = np.zeros(len(ids))
    log_chance = np.zeros(len(ids))
    best_at: dict[str, set[int]] = {k: set() for k in ids}
    worst_at: dict[str, set[int]] = {k: set() for k in ids}
    for r in responses:
        n = row[r.respondent]
        k = len(r.shown)
        answers[n] += 1
        log_chance[n] -= np.log(k * (k - 1))
        best_at[r.respondent].add(r.shown.index(r.best))
        worst_at[r.respondent].add(r.shown.index(r.worst))
    durations = {k: v for k, v in (durations or {}).items() if k in row}
    fastest = (
        SPEEDER_FRACTION * float(np.median(list(durations.values())))
        if len(durations) >= SPEEDER_MIN_RESPONDENTS
        else None
    )
    out = {}
    for k, n in row.items():
        chance = float(np.exp(log_chance[n] / answers[n]))
        aggregate_rlh = float(np.exp(ll_all[n] / answers[n]))
        out[k] = RespondentQuality(
            int(answers[n]),
            float(np.exp(ll_own[n] / answers[n])),
            aggregate_rlh,
            chance,
            bool(aggregate_rlh <= chance),
            bool(answers[n] >= STRAIGHTLINE_MIN)
            and (len(best_at[k]) == 1 or len(worst_at[k]) == 1),
            fastest is not None and k in durations and durations[k] < fastest,
            durations.get(k),
        )
    return out
