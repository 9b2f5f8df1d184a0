"""A participant's ballot, by method: validated against the exercise and normalised to the plain
JSON the `BallotSubmitted` event stores (item IDs as strings).

- MAXDIFF: answers to the participant's own sets: {"answers": [[set index, best, worst], …]},
  and, for anchored MaxDiff, "anyImportant": [[set index, yes?], …] for the sets whose threshold
  question was answered (a key added later: ballots without it answered none).
- RICE_SESSION: {"estimates": {item: [reach, impact, confidence, effort]}}
- MOSCOW: {"votes": {item: "MUST" | "SHOULD" | "COULD" | "WONT"}}
- BUY_A_FEATURE: {"allocations": {item: amount}}

A ballot may be partial (a participant can skip items or sets) and replaces the previous one.
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.exercise import Exercise, ExerciseMethod
from okrank.domain.exercises.methods.moscow import parse_category
from okrank.domain.rankings.scoring import RiceInputs, validate_rice


@dataclass(frozen=True)
class MaxDiffAnswer:
    set_index: int
    best: UUID
    worst: UUID
    important: bool | None = None  # anchored MaxDiff: "are any of these important at all?"


@dataclass(frozen=True)
class BallotInput:
    """What a participant sends; only the part of its exercise's method is used."""

    answers: Sequence[MaxDiffAnswer] = ()
    estimates: Sequence[tuple[UUID, RiceInputs]] = ()
    votes: Sequence[tuple[UUID, str]] = ()
    allocations: Sequence[tuple[UUID, float]] = ()


_FIELD = {
    ExerciseMethod.MAXDIFF: "answers",
    ExerciseMethod.RICE_SESSION: "estimates",
    ExerciseMethod.MOSCOW: "votes",
    ExerciseMethod.BUY_A_FEATURE: "allocations",
}


def normalise_ballot(exercise: Exercise, participant: str, ballot: BallotInput) -> dict[str, Any]:
    field = _FIELD[exercise.method]
    for other in _FIELD.values():
        if other != field and getattr(ballot, other):
            raise ValidationError(
                ["ballot", other], f"a {exercise.method.value} ballot has no {other}"
            )
    if exercise.method == ExerciseMethod.MAXDIFF:
        return _maxdiff(exercise, participant, ballot.answers)
    if exercise.method == ExerciseMethod.RICE_SESSION:
        return _rice(exercise, ballot.estimates)
    if exercise.method == ExerciseMethod.MOSCOW:
        return _moscow(exercise, ballot.votes)
    return _buy(exercise, participant, ballot.allocations)


def _candidate(exercise: Exercise, item: UUID, path: list[str]) -> str:
    if item not in exercise.candidates:
        raise ValidationError(path, "not a candidate of this exercise")
    return str(item)


def _once(seen: Container[Any], key: Any, path: list[str], what: str) -> None:
    if key in seen:
        raise ValidationError(path, f"{what} appears twice in the ballot")


def _maxdiff(
    exercise: Exercise, participant: str, answers: Sequence[MaxDiffAnswer]
) -> dict[str, Any]:
    sets = exercise.sets_of(participant)
    out, important, seen = [], [], set()
    for n, a in enumerate(answers):
        path = ["ballot", "answers", str(n)]
        if not 0 <= a.set_index < len(sets):
            raise ValidationError([*path, "setIndex"], f"you have sets 0–{len(sets) - 1}")
        _once(seen, a.set_index, [*path, "setIndex"], "a set")
        seen.add(a.set_index)
        shown = sets[a.set_index]
        if a.best == a.worst:
            raise ValidationError([*path, "worst"], "best and worst must differ")
        for name, item in (("best", a.best), ("worst", a.worst)):
            if item not in shown:
                raise ValidationError([*path, name], f"{name} must be one of the set's items")
            _candidate(exercise, item, [*path, name])
        out.append([a.set_index, str(a.best), str(a.worst)])
        if a.important is not None:
            important.append([a.set_index, bool(a.important)])
    # Without threshold answers the ballot keeps the shape it always had.
    return {"answers": out, "anyImportant": important} if important else {"answers": out}


def _rice(exercise: Exercise, estimates: Sequence[tuple[UUID, RiceInputs]]) -> dict[str, Any]:
    out: dict[str, list[float]] = {}
    for n, (item, inputs) in enumerate(estimates):
        path = ["ballot", "estimates", str(n)]
        key = _candidate(exercise, item, [*path, "backlogItemId"])
        _once(out, key, [*path, "backlogItemId"], "an item")
        v = validate_rice(inputs, prefix=f"ballot.estimates.{n}")
        out[key] = [v.reach, v.impact, v.confidence, v.effort]
    return {"estimates": out}


def _moscow(exercise: Exercise, votes: Sequence[tuple[UUID, str]]) -> dict[str, Any]:
    out: dict[str, str] = {}
    for n, (item, category) in enumerate(votes):
        path = ["ballot", "votes", str(n)]
        key = _candidate(exercise, item, [*path, "backlogItemId"])
        _once(out, key, [*path, "backlogItemId"], "an item")
        out[key] = parse_category(category, [*path, "category"]).value
    return {"votes": out}


def _buy(
    exercise: Exercise, participant: str, allocations: Sequence[tuple[UUID, float]]
) -> dict[str, Any]:
    budget = exercise.budgets.get(participant, 0.0)
    out: dict[str, float] = {}
    spent = 0.0
    for n, (item, amount) in enumerate(allocations):
        path = ["ballot", "allocations", str(n)]
        key = _candidate(exercise, item, [*path, "backlogItemId"])
        _once(out, key, [*path, "backlogItemId"], "an item")
        if not math.isfinite(amount) or amount < 0:
            raise ValidationError([*path, "amount"], "amount must be zero or more")
        price = exercise.candidates[item] or 0.0
        if amount > price + 1e-9:
            raise ValidationError([*path, "amount"], f"more than the item's price ({price:g})")
        spent += amount
        if spent > budget + 1e-9:
            raise ValidationError([*path, "amount"], f"over budget: {spent:g} of {budget:g}")
        out[key] = float(amount)
    return {"allocations": out}
