"""Results of an exercise from its ballots: overall, per segment, and how much segments agree.

Pure: the projection hands in the candidates and the participants' ballots (the JSON stored by
`BallotSubmitted` / `ResponsesImported`) and stores what comes out. Each item gets a rank, a
`score` (the number the objective's EXERCISE ranking uses as base score, higher is better) and
method-specific figures in `detail`:
- MAXDIFF: score = share of preference (0–100) from the maxdiff-logit utilities;
- RICE_SESSION: score = RICE of the median inputs;
- MOSCOW: score = mean of Must 3, Should 2, Could 1, Won't 0;
- BUY_A_FEATURE: score = funded share (0–1).
Items nobody gave an opinion on have no score and rank last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.methods import (
    agreement,
    buy_a_feature,
    maxdiff_bootstrap,
    moscow,
    rice_session,
)
from okrank.domain.exercises.methods.maxdiff_aggregate import Estimator
from okrank.domain.exercises.methods.maxdiff_analysis import analysis as maxdiff_analysis
from okrank.domain.exercises.methods.maxdiff_heterogeneity import heterogeneity_test
from okrank.domain.exercises.methods.maxdiff_individual import fit_individual
from okrank.domain.exercises.methods.maxdiff_quality import respondent_quality
from okrank.domain.exercises.methods.maxdiff_response import Response
from okrank.domain.rankings.scoring import RiceInputs


@dataclass(frozen=True)
class Participant:
    subject: str
    segment: str  # '' for none
    ballot: dict[str, Any] | None
    design: list[list[str]] = field(default_factory=list)  # MaxDiff sets (item ID strings)
    budget: float = 0.0


@dataclass(frozen=True)
class ItemOutcome:
    item_id: UUID
    rank: int
    score: float | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class GroupResults:
    segment: str  # '' = everyone
    respondents: int
    items: list[ItemOutcome]
    summary: dict[str, Any]


@dataclass(frozen=True)
class RespondentUtilities:
    """MaxDiff: one respondent's own utilities (empirical Bayes, shrunk toward everyone's)."""

    respondent: str
    segment: str
    utilities: dict[UUID, float]
    quality: dict[str, Any] = field(default_factory=dict)  # see `maxdiff_quality`


@dataclass(frozen=True)
class ExerciseResults:
    overall: GroupResults
    segments: list[GroupResults]
    # Kendall's W across segments and Spearman for each pair of segments, on the item scores.
    segment_agreement: dict[str, Any]
    respondents: list[RespondentUtilities] = field(default_factory=list)


def compute(
    method: ExerciseMethod,
    candidates: Sequence[UUID],
    prices: dict[UUID, float],
    participants: Sequence[Participant],
    imported: dict[str, Any] | None = None,
) -> ExerciseResults:
    responses = _imported_responses(imported or {}, candidates)
    overall = _group(method, "", candidates, prices, participants, responses)
    segments_named = sorted(
        {p.segment for p in participants if p.segment} | {r[1] for r in responses if r[1]}
    )
    segments = [
        _group(
            method,
            s,
            candidates,
            prices,
            [p for p in participants if p.segment == s],
            [r for r in responses if r[1] == s],
        )
        for s in segments_named
    ]
    scores = {
        g.segment: {o.item_id: o.score for o in g.items if o.score is not None}
        for g in segments
        if g.respondents
    }
    pairs = agreement.pairwise(scores)
    segment_agreement = {
        "kendallW": agreement.kendall_w(list(scores.values())) if len(scores) > 1 else None,
        "pairs": [{"a": a, "b": b, "spearman": rho} for (a, b), rho in pairs.items()],
    }
    individual: list[RespondentUtilities] = []
    if method == ExerciseMethod.MAXDIFF:
        spread, individual = _individual(candidates, participants, responses)
        if spread is not None:
            overall.summary.update(spread)
    return ExerciseResults(overall, segments, segment_agreement, individual)


def _individual(
    candidates: Sequence[UUID],
    participants: Sequence[Participant],
    imported: Sequence[tuple[str, str, tuple[UUID, ...], UUID, UUID]],
) -> tuple[dict[str, Any] | None, list[RespondentUtilities]]:
    """How much individuals differ beyond the sampling noise (the summary entries: the spread σ,
    0 unless the heterogeneity test detects a difference, and the test) and each respondent's
    utilities; (None, []) without answers."""
    responses = _maxdiff_responses(candidates, [p for p in participants if p.ballot], imported)
    if not responses or len(candidates) < 2:
        return None, []
    fit = fit_individual(responses, len(candidates))
    test = heterogeneity_test(responses, len(candidates), fit.aggregate)
    spread = {
        "preferenceSpread": float(fit.prior_sd) if test.detected else 0.0,
        "preferenceSpreadEstimate": float(fit.prior_sd),
        "heterogeneity": {
            "statistic": test.statistic,
            "degreesOfFreedom": test.degrees_of_freedom,
            "pValue": test.p_value,
            "detected": test.detected,
        },
    }
    quality = respondent_quality(responses, len(candidates), fit.utilities, fit.aggregate)
    spread["responseQuality"] = {
        "respondents": len(quality),
        "noBetterThanChance": sum(q.no_better_than_chance for q in quality.values()),
        "straightliners": sum(q.straightliner for q in quality.values()),
    }
    segment = {p.subject: p.segment for p in participants}
    segment.update({f"import:{r[0]}": r[1] for r in imported})
    out = []
    for respondent in sorted(fit.utilities):
        u = fit.utilities[respondent]
        out.append(
            RespondentUtilities(
                respondent.removeprefix("import:"),
                segment.get(respondent, ""),
                {c: float(u[n]) for n, c in enumerate(candidates)},
                {
                    "answers": quality[respondent].answers,
                    "rlh": quality[respondent].rlh,
                    "aggregateRlh": quality[respondent].aggregate_rlh,
                    "chanceRlh": quality[respondent].chance_rlh,
                    "noBetterThanChance": quality[respondent].no_better_than_chance,
                    "straightliner": quality[respondent].straightliner,
                },
            )
        )
    return spread, out


def _imported_responses(
    imported: dict[str, Any], candidates: Sequence[UUID]
) -> list[tuple[str, str, tuple[UUID, ...], UUID, UUID]]:
    """(respondent, segment, shown, best, worst) of the imported rows still about candidates."""
    if not imported:
        return []
    items = [UUID(i) for i in imported["items"]]
    current = set(candidates)
    out = []
    for respondent, _set, shown, best, worst, segment in imported["rows"]:
        out.append(
            (
                str(respondent),
                segment or "",
                tuple(items[i] for i in shown if items[i] in current),
                items[best],
                items[worst],
            )
        )
    return [r for r in out if r[3] in current and r[4] in current]


def _ranked(
    candidates: Sequence[UUID], scored: dict[UUID, tuple[float | None, dict[str, Any], tuple]]
) -> list[ItemOutcome]:
    """Order by the method's key (best first); items without a score go last, in candidate order."""
    position = {c: n for n, c in enumerate(candidates)}
    with_score = sorted(
        (c for c in candidates if scored.get(c, (None,))[0] is not None),
        key=lambda c: (scored[c][2], position[c]),
    )
    without = [c for c in candidates if c not in with_score]
    out = []
    for n, c in enumerate([*with_score, *without]):
        score, detail, _ = scored.get(c, (None, {}, ()))
        out.append(ItemOutcome(c, n + 1, score, detail))
    return out


def _group(
    method: ExerciseMethod,
    segment: str,
    candidates: Sequence[UUID],
    prices: dict[UUID, float],
    participants: Sequence[Participant],
    imported: Sequence[tuple[str, str, tuple[UUID, ...], UUID, UUID]],
) -> GroupResults:
    voted = [p for p in participants if p.ballot]
    if method == ExerciseMethod.MAXDIFF:
        return _maxdiff(segment, candidates, voted, imported)
    if method == ExerciseMethod.RICE_SESSION:
        estimates = [
            rice_session.Estimate(p.subject, UUID(item), RiceInputs(*v))
            for p in voted
            for item, v in p.ballot["estimates"].items()
            if UUID(item) in candidates
        ]
        rows = rice_session.results(estimates, list(candidates))
        scored = {
            r.item: (
                r.score,
                {
                    "participants": r.participants,
                    "median": vars(r.median),
                    "spreadIqr": r.spread_iqr,
                    "spreadCv": r.spread_cv,
                },
                (r.rank,),
            )
            for r in rows
        }
        respondents = len({e.participant for e in estimates})
        return GroupResults(segment, respondents, _ranked(candidates, scored), {})
    if method == ExerciseMethod.MOSCOW:
        votes = [
            moscow.Vote(p.subject, UUID(item), category)
            for p in voted
            for item, category in p.ballot["votes"].items()
            if UUID(item) in candidates
        ]
        rows = moscow.results(votes, list(candidates))
        scored = {
            r.item: (
                r.score,
                {
                    "distribution": {c.value: k for c, k in r.distribution.items()},
                    "consensus": r.consensus.value,
                },
                (r.rank,),
            )
            for r in rows
        }
        respondents = len({v.participant for v in votes})
        return GroupResults(segment, respondents, _ranked(candidates, scored), {})
    # Buy a Feature: everyone's budget counts (unspent money is part of the answer).
    allocations = [
        buy_a_feature.Allocation(p.subject, UUID(item), amount)
        for p in voted
        for item, amount in p.ballot["allocations"].items()
        if UUID(item) in candidates
    ]
    item_prices = {c: prices[c] for c in candidates}
    budgets = {p.subject: p.budget for p in participants}
    rows, unspent = buy_a_feature.results(allocations, item_prices, budgets)
    scored = {
        r.item: (
            r.funded_share,
            {
                "price": r.price,
                "pooled": r.pooled,
                "fundedShare": r.funded_share,
                "bought": r.bought,
                "backers": r.backers,
                "excess": r.excess,
            },
            (r.rank,),
        )
        for r in rows
    }
    budget_total = sum(budgets.values())
    spent = sum(a.amount for a in allocations)
    summary = {
        "budgetTotal": budget_total,
        "spent": spent,
        "unspentOnItemsNotBought": unspent,
        "notAllocated": budget_total - spent,
        "excessReturned": sum(r.excess for r in rows),
    }
    respondents = len({a.participant for a in allocations if a.amount > 0})
    return GroupResults(segment, respondents, _ranked(candidates, scored), summary)


def _maxdiff_responses(
    candidates: Sequence[UUID],
    voted: Sequence[Participant],
    imported: Sequence[tuple[str, str, tuple[UUID, ...], UUID, UUID]],
) -> list[Response]:
    """Ballot answers and imported rows as responses over the current candidates."""
    index = {c: n for n, c in enumerate(candidates)}
    responses = []
    for p in voted:
        for set_index, best, worst in p.ballot["answers"]:
            b, w = UUID(best), UUID(worst)
            shown = [UUID(i) for i in p.design[set_index] if UUID(i) in index]
            # A withdrawn candidate leaves the set; answers naming it no longer count.
            if b in index and w in index and len(shown) >= 3:
                responses.append(
                    Response(p.subject, tuple(index[i] for i in shown), index[b], index[w])
                )
    for respondent, _segment, shown, b, w in imported:
        if len(shown) >= 3:
            responses.append(
                Response(f"import:{respondent}", tuple(index[i] for i in shown), index[b], index[w])
            )
    return responses


def _maxdiff(
    segment: str,
    candidates: Sequence[UUID],
    voted: Sequence[Participant],
    imported: Sequence[tuple[str, str, tuple[UUID, ...], UUID, UUID]],
) -> GroupResults:
    responses = _maxdiff_responses(candidates, voted, imported)
    respondents = len({r.respondent for r in responses})
    if not responses or len(candidates) < 2:
        return GroupResults(segment, respondents, _ranked(candidates, {}), {"responses": 0})
    analysis = maxdiff_analysis(responses, len(candidates))
    order = [r.item for r in sorted(analysis.items, key=lambda r: r.rank) if r.shown]
    sure = maxdiff_bootstrap.bootstrap(
        responses,
        len(candidates),
        analysis.fit.utilities,
        order,
        penalised=analysis.fit.estimator == Estimator.FIRTH,
    )
    scored = {}
    for r in analysis.items:
        if r.shown == 0:
            continue  # never shown (e.g. added late and nobody reached its sets yet)
        c = sure.items[r.item]
        scored[candidates[r.item]] = (
            r.share,
            {
                "shown": r.shown,
                "best": r.best,
                "worst": r.worst,
                "countingScore": r.counting_score,
                "utility": r.utility,
                "standardError": r.standard_error,
                "analyticalUtility": r.analytical_utility,
                "share": r.share,
                "referenceUtility": r.reference_utility,
                "referenceStandardError": r.reference_standard_error,
                "analyticalStandardError": r.analytical_standard_error,
                "analyticalChoiceShare": r.analytical_choice_share,
                "analyticalCorrected": r.analytical_corrected,
                "separation": r.separation,
                "utilityInterval": list(c.utility_interval),
                "shareInterval": list(c.share_interval),
                "rankInterval": list(c.rank_interval),
                "aheadOfNext": c.ahead_of_next,
                "respondentsToSeparate": c.respondents_to_separate,
            },
            (r.rank,),
        )
    fit = analysis.fit
    summary = {
        "responses": len(responses),
        "estimator": fit.estimator,
        "logLikelihood": fit.log_likelihood,
        "referenceItem": str(candidates[fit.reference]),
        "confidence": sure.summary,
        "bootstrapReplicates": sure.replicates,
        "bootstrapSeed": sure.seed,
    }
    return GroupResults(segment, respondents, _ranked(candidates, scored), summary)
