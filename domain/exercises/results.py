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

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.maxdiff_results import (
    imported_answers,
    imported_durations,
    maxdiff_group,
    respondent_utilities,
)
from okrank.domain.exercises.methods import agreement, buy_a_feature, moscow, rice_session
from okrank.domain.exercises.result_types import (
    ExerciseResults,
    GroupResults,
    ImportedAnswer,
    Participant,
    RespondentUtilities,
    ranked,
)
from okrank.domain.rankings.scoring import RiceInputs

Entry = TypeVar("Entry")


def compute(
    method: ExerciseMethod,
    candidates: Sequence[UUID],
    prices: dict[UUID, float],
    participants: Sequence[Participant],
    imported: dict[str, Any] | None = None,
) -> ExerciseResults:
    responses = imported_answers(imported or {}, candidates)
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
        spread, individual = respondent_utilities(
            candidates, participants, responses, imported_durations(imported)
        )
        if spread is not None:
            overall.summary.update(spread)
    return ExerciseResults(overall, segments, segment_agreement, individual)


def _group(
    method: ExerciseMethod,
    segment: str,
    candidates: Sequence[UUID],
    prices: dict[UUID, float],
    participants: Sequence[Participant],
    imported: Sequence[ImportedAnswer],
) -> GroupResults:
    voted = [p for p in participants if p.ballot]
    if method == ExerciseMethod.MAXDIFF:
        return maxdiff_group(segment, candidates, voted, imported)
    if method == ExerciseMethod.RICE_SESSION:
        estimates = _entries(voted, "estimates", candidates, _estimate)
        rows = rice_session.results(estimates, list(candidates))
        return _session_group(segment, candidates, estimates, rows, _rice_detail)
    if method == ExerciseMethod.MOSCOW:
        votes = _entries(voted, "votes", candidates, moscow.Vote)
        rows = moscow.results(votes, list(candidates))
        return _session_group(segment, candidates, votes, rows, _moscow_detail)
    return _buy_a_feature_group(segment, candidates, prices, participants, voted)


def _entries(
    voted: Sequence[Participant],
    key: str,
    candidates: Sequence[UUID],
    make: Callable[[str, UUID, Any], Entry],
) -> list[Entry]:
    """Each ballot's `key` entries about current candidates, as make(participant, item, value)."""
    return [
        make(p.subject, UUID(item), value)
        for p in voted
        for item, value in p.ballot[key].items()
        if UUID(item) in candidates
    ]


def _session_group(
    segment: str,
    candidates: Sequence[UUID],
    entries: Sequence[Any],
    rows: Sequence[Any],
    detail: Callable[[Any], dict[str, Any]],
) -> GroupResults:
    """A method whose rows carry an item's score and rank; respondents are those with entries."""
    scored = {r.item: (r.score, detail(r), (r.rank,)) for r in rows}
    respondents = len({e.participant for e in entries})
    return GroupResults(segment, respondents, ranked(candidates, scored), {})


def _estimate(participant: str, item: UUID, inputs: list[float]) -> rice_session.Estimate:
    return rice_session.Estimate(participant, item, RiceInputs(*inputs))


def _rice_detail(r: rice_session.RiceResult) -> dict[str, Any]:
    return {
        "participants": r.participants,
        "median": vars(r.median),
        "spreadIqr": r.spread_iqr,
        "spreadCv": r.spread_cv,
    }


def _moscow_detail(r: moscow.MoscowResult) -> dict[str, Any]:
    return {
        "distribution": {c.value: k for c, k in r.distribution.items()},
        "consensus": r.consensus.value,
    }


def _buy_a_feature_group(
    segment: str,
    candidates: Sequence[UUID],
    prices: dict[UUID, float],
    participants: Sequence[Participant],
    voted: Sequence[Participant],
) -> GroupResults:
    """Everyone's budget counts (unspent money is part of the answer)."""
    allocations = _entries(voted, "allocations", candidates, buy_a_feature.Allocation)
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
    return GroupResults(segment, respondents, ranked(candidates, scored), summary)
