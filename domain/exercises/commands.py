"""Commands of OKR-scoped stakeholder exercises (mixed into the OkrankApplication)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.exercises.ballots import BallotInput, normalise_ballot
from okrank.domain.exercises.design import (
    budgets,
    extension_sets,
    late_participant_design,
    maxdiff_designs,
)
from okrank.domain.exercises.exercise import Exercise, ExerciseMethod, ExerciseStatus
from okrank.domain.exercises.methods.maxdiff_csv import parse_responses_csv
from okrank.domain.okrs.objective import Objective, ObjectiveStatus
from okrank.domain.text import check_storable, optional_text, require_text

if TYPE_CHECKING:
    from okrank.domain.application import Actor, CommandResult

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ExerciseCommands:
    """Each command validates before the aggregate emits, so a refused command changes nothing."""

    def _exercise_change(
        self: Any, actor: Actor, exercise_id: UUID, expected_version: int | None, mutate: Any
    ) -> CommandResult:
        return self._change(Exercise, exercise_id, actor, "Exercise", expected_version, mutate)

    def create_exercise(
        self: Any,
        actor: Actor,
        objective_id: UUID,
        method: str,
        title: str,
        instructions: str | None = None,
        deadline: str | None = None,
        set_size: int = 4,
    ) -> CommandResult:
        objective = self._load(Objective, objective_id, actor, "Objective")
        if objective.status not in (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE):
            raise ValidationError(
                "objectiveId", f"objective is {objective.status.value}; exercises need an open one"
            )
        try:
            method = ExerciseMethod(method).value
        except ValueError:
            raise ValidationError("method", f"unknown method {method!r}") from None
        if not 3 <= set_size <= 5:
            raise ValidationError("setSize", "set size must be 3, 4 or 5")
        exercise = Exercise(
            workspace=actor.workspace,
            objective_id=objective_id,
            method=method,
            title=require_text("title", title, 200),
            instructions=optional_text("instructions", instructions, 10_000),
            deadline=deadline,
            set_size=set_size,
            actor=actor.subject,
        )
        return self._save(exercise)

    def add_exercise_candidate(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        item_id: UUID,
        price: float | None = None,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        item = self._load(BacklogItem, item_id, actor, "BacklogItem")
        if item.status in (ItemStatus.DONE, ItemStatus.ARCHIVED):
            raise ValidationError("backlogItemId", f"item is {item.status.value}")

        def mutate(ex: Exercise) -> None:
            if ex.objective_id not in item.tags:
                raise ValidationError(
                    "backlogItemId",
                    "only items tagged to the exercise's objective can be candidates",
                )
            extra = None
            if ex.status == ExerciseStatus.OPEN and ex.method == ExerciseMethod.MAXDIFF:
                extra = extension_sets(
                    ex.id, item_id, list(ex.candidates), list(ex.designs), ex.set_size
                )
            ex.add_candidate(item_id, price, reason, actor.subject, extra_sets=extra)

        return self._exercise_change(actor, exercise_id, expected_version, mutate)

    def withdraw_exercise_candidate(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        item_id: UUID,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._exercise_change(
            actor,
            exercise_id,
            expected_version,
            lambda ex: ex.withdraw_candidate(item_id, reason, actor.subject),
        )

    def price_exercise_candidate(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        item_id: UUID,
        price: float,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._exercise_change(
            actor,
            exercise_id,
            expected_version,
            lambda ex: ex.price_candidate(item_id, price, actor.subject),
        )

    def invite_participant(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        subject: str,
        segment: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        def mutate(ex: Exercise) -> None:
            design, budget = None, None
            if ex.status == ExerciseStatus.OPEN:
                if ex.method == ExerciseMethod.MAXDIFF:
                    design = late_participant_design(
                        ex.id, subject, list(ex.candidates), ex.set_size
                    )
                if ex.method == ExerciseMethod.BUY_A_FEATURE:
                    budget = ex.default_budget
            ex.invite(subject, segment, actor.subject, design=design, budget=budget)

        return self._exercise_change(actor, exercise_id, expected_version, mutate)

    def open_exercise(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        budget: float | None = None,
        design: Sequence[Sequence[UUID]] | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        def mutate(ex: Exercise) -> None:
            if design is not None and ex.method != ExerciseMethod.MAXDIFF:
                raise ValidationError("design", "only MaxDiff exercises take a design")
            if budget is not None and ex.method != ExerciseMethod.BUY_A_FEATURE:
                raise ValidationError("budget", "only Buy a Feature exercises take a budget")
            designs: dict[str, list[list[UUID]]] = {}
            money: dict[str, float] = {}
            default = None
            candidates = list(ex.candidates)
            if ex.method == ExerciseMethod.MAXDIFF and len(candidates) >= 3:
                designs = maxdiff_designs(
                    ex.id, candidates, list(ex.participants), ex.set_size, design
                )
            elif ex.method == ExerciseMethod.MAXDIFF:
                raise ValidationError("id", "MaxDiff needs at least three candidates")
            if ex.method == ExerciseMethod.BUY_A_FEATURE and all(
                p is not None for p in ex.candidates.values()
            ):
                prices = {i: float(p) for i, p in ex.candidates.items() if p is not None}
                money, default = budgets(prices, list(ex.participants), budget)
            ex.open(designs, money, actor.subject, default_budget=default)

        return self._exercise_change(actor, exercise_id, expected_version, mutate)

    def submit_ballot(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        ballot: BallotInput,
        expected_version: int | None = None,
    ) -> CommandResult:
        def mutate(ex: Exercise) -> None:
            if actor.subject not in ex.participants:
                raise ValidationError("exerciseId", "you are not invited to this exercise")
            if ex.status != ExerciseStatus.OPEN:
                raise ConflictError(
                    f"exercise is {ex.status.value}; ballots are taken while it is OPEN",
                    ex.version,
                )
            if ex.deadline_passed(datetime.now(UTC)):
                raise ConflictError(
                    f"the deadline ({ex.deadline}) has passed; ballots are no longer taken",
                    ex.version,
                )
            normalised = normalise_ballot(ex, actor.subject, ballot)
            ex.submit_ballot(actor.subject, normalised, actor.subject)

        return self._exercise_change(actor, exercise_id, expected_version, mutate)

    def close_exercise(
        self: Any, actor: Actor, exercise_id: UUID, expected_version: int | None = None
    ) -> CommandResult:
        return self._exercise_change(
            actor, exercise_id, expected_version, lambda ex: ex.close(actor.subject)
        )

    def exclude_respondent(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        respondent: str,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._exercise_change(
            actor,
            exercise_id,
            expected_version,
            lambda ex: ex.exclude_respondent(respondent, reason, actor.subject),
        )

    def reopen_exercise(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        reason: str,
        deadline: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._exercise_change(
            actor,
            exercise_id,
            expected_version,
            lambda ex: ex.reopen(reason, deadline, actor.subject),
        )

    def import_maxdiff_responses(
        self: Any,
        actor: Actor,
        exercise_id: UUID,
        csv_text: str,
        source: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        check_storable("csv", csv_text)
        if len(csv_text.encode()) > MAX_IMPORT_BYTES:
            raise ValidationError("csv", "the file is larger than 20 MiB")

        def mutate(ex: Exercise) -> None:
            if ex.method != ExerciseMethod.MAXDIFF:
                raise ValidationError("exerciseId", "only MaxDiff exercises import responses")
            labels: dict[str, UUID] = {}
            titles: dict[str, list[UUID]] = {}
            for item_id in ex.candidates:
                item = self._load(BacklogItem, item_id, actor, "BacklogItem")
                titles.setdefault(item.title, []).append(item_id)
                labels[str(item_id)] = item_id
            # A title shared by two candidates is ambiguous: those rows must use item IDs.
            labels.update({t: ids[0] for t, ids in titles.items() if len(ids) == 1})
            rows = parse_responses_csv(csv_text, labels)
            items = list(ex.candidates)
            index = {i: n for n, i in enumerate(items)}
            compact = [
                [
                    r.respondent,
                    r.set_number,
                    [index[i] for i in r.shown],
                    index[r.best],
                    index[r.worst],
                    r.segment or "",
                ]
                for r in rows
            ]
            responses = {"items": [str(i) for i in items], "rows": compact}
            ex.import_responses(responses, optional_text("source", source, 200), actor.subject)

        return self._exercise_change(actor, exercise_id, expected_version, mutate)
