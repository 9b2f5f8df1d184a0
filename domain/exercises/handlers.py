"""How each exercise command loads, changes and saves.

Each handler validates before the aggregate emits, so a refused command changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.bounds import MAX_IMPORT_BYTES
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.exercises.ballots import normalise_ballot
from okrank.domain.exercises.commands import (
    AddExerciseCandidate,
    CloseDueExercise,
    CloseExercise,
    CreateExercise,
    ExcludeRespondent,
    ImportMaxDiffResponses,
    Invitation,
    InviteParticipant,
    InviteParticipants,
    OpenExercise,
    PriceExerciseCandidate,
    ReinstateRespondent,
    ReopenExercise,
    SetExerciseAutoClose,
    SubmitBallot,
    WithdrawExerciseCandidate,
)
from okrank.domain.exercises.design import (
    budgets,
    extension_sets,
    late_participant_design,
    maxdiff_designs,
)
from okrank.domain.exercises.exercise import (
    MAX_PARTICIPANTS,
    Exercise,
    ExerciseMethod,
    ExerciseStatus,
)
from okrank.domain.exercises.methods.maxdiff_csv import parse_responses_csv
from okrank.domain.okrs.objective import Objective, ObjectiveStatus
from okrank.domain.text import check_storable, optional_text, require_text

_changed = changer(Exercise, lambda command: command.exercise_id)


def create_exercise(store: Aggregates, actor: Actor, command: CreateExercise) -> CommandResult:
    c = command
    objective = store.load(Objective, c.objective_id, actor, "Objective")
    if objective.status not in (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE):
        raise ValidationError(
            "objectiveId", f"objective is {objective.status.value}; exercises need an open one"
        )
    try:
        method = ExerciseMethod(c.method).value
    except ValueError:
        raise ValidationError("method", f"unknown method {c.method!r}") from None
    if not 3 <= c.set_size <= 5:
        raise ValidationError("setSize", "set size must be 3, 4 or 5")
    exercise = Exercise(
        workspace=actor.workspace,
        objective_id=c.objective_id,
        method=method,
        title=require_text("title", c.title, 200),
        instructions=optional_text("instructions", c.instructions, 10_000),
        deadline=c.deadline,
        set_size=c.set_size,
        actor=actor.subject,
    )
    if c.auto_close:
        exercise.set_auto_close(True, actor.subject)  # saved with the creation
    return store.save_new(exercise)


def add_exercise_candidate(
    store: Aggregates, actor: Actor, command: AddExerciseCandidate
) -> CommandResult:
    c = command
    item = store.load(BacklogItem, c.item_id, actor, "BacklogItem")
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
                ex.id, c.item_id, list(ex.candidates), list(ex.designs), ex.set_size
            )
        ex.add_candidate(c.item_id, c.price, c.reason, actor.subject, extra_sets=extra)

    return _changed(store, actor, c, mutate)


def withdraw_exercise_candidate(
    store: Aggregates, actor: Actor, command: WithdrawExerciseCandidate
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda ex: ex.withdraw_candidate(c.item_id, c.reason, actor.subject)
    )


def price_exercise_candidate(
    store: Aggregates, actor: Actor, command: PriceExerciseCandidate
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda ex: ex.price_candidate(c.item_id, c.price, actor.subject)
    )


def _invite(ex: Exercise, subject: str, segment: str | None, actor: str) -> None:
    """While open, a late participant gets its MaxDiff sets or budget with the invitation."""
    design, budget = None, None
    if ex.status == ExerciseStatus.OPEN:
        if ex.method == ExerciseMethod.MAXDIFF:
            design = late_participant_design(ex.id, subject, list(ex.candidates), ex.set_size)
        if ex.method == ExerciseMethod.BUY_A_FEATURE:
            budget = ex.default_budget
    ex.invite(subject, segment, actor, design=design, budget=budget)


def _invite_all(ex: Exercise, invitations: Sequence[Invitation], actor: str) -> None:
    """Every invitation, as `_invite` one by one; the first refused one refuses the batch
    (nothing is saved: the command's copy of the aggregate is dropped), named by its index."""
    if len(invitations) > MAX_PARTICIPANTS:
        raise ValidationError("participants", f"at most {MAX_PARTICIPANTS} participants")
    for n, invitation in enumerate(invitations):
        try:
            _invite(ex, invitation.subject, invitation.segment, actor)
        except ValidationError as exc:
            raise ValidationError(["participants", str(n), *exc.path], exc.message) from None
        except ConflictError as exc:
            raise ConflictError(
                f"participants.{n} ({invitation.subject!r}): {exc.message}", exc.current_version
            ) from None


def invite_participant(
    store: Aggregates, actor: Actor, command: InviteParticipant
) -> CommandResult:
    c = command
    return _changed(store, actor, c, lambda ex: _invite(ex, c.subject, c.segment, actor.subject))


def invite_participants(
    store: Aggregates, actor: Actor, command: InviteParticipants
) -> CommandResult:
    """One ParticipantInvited per participant, all in one save."""
    c = command
    if not c.participants:
        raise ValidationError("participants", "name at least one participant")
    return _changed(store, actor, c, lambda ex: _invite_all(ex, c.participants, actor.subject))


def open_exercise(store: Aggregates, actor: Actor, command: OpenExercise) -> CommandResult:
    c = command

    def mutate(ex: Exercise) -> None:
        if c.design is not None and ex.method != ExerciseMethod.MAXDIFF:
            raise ValidationError("design", "only MaxDiff exercises take a design")
        if c.budget is not None and ex.method != ExerciseMethod.BUY_A_FEATURE:
            raise ValidationError("budget", "only Buy a Feature exercises take a budget")
        if c.participants and ex.status != ExerciseStatus.DRAFT:
            raise ConflictError(f"exercise is {ex.status.value}; this needs DRAFT", ex.version)
        _invite_all(ex, c.participants, actor.subject)  # in this save, before the designs
        designs: dict[str, list[list[UUID]]] = {}
        money: dict[str, float] = {}
        default = None
        candidates = list(ex.candidates)
        if ex.method == ExerciseMethod.MAXDIFF and len(candidates) >= 3:
            designs = maxdiff_designs(
                ex.id, candidates, list(ex.participants), ex.set_size, c.design
            )
        elif ex.method == ExerciseMethod.MAXDIFF:
            raise ValidationError("id", "MaxDiff needs at least three candidates")
        if ex.method == ExerciseMethod.BUY_A_FEATURE and all(
            p is not None for p in ex.candidates.values()
        ):
            prices = {i: float(p) for i, p in ex.candidates.items() if p is not None}
            money, default = budgets(prices, list(ex.participants), c.budget)
        ex.open(designs, money, actor.subject, default_budget=default)

    return _changed(store, actor, c, mutate)


def submit_ballot(store: Aggregates, actor: Actor, command: SubmitBallot) -> CommandResult:
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
        normalised = normalise_ballot(ex, actor.subject, command.ballot)
        ex.submit_ballot(actor.subject, normalised, actor.subject)

    return _changed(store, actor, command, mutate)


def close_exercise(store: Aggregates, actor: Actor, command: CloseExercise) -> CommandResult:
    return _changed(store, actor, command, lambda ex: ex.close(actor.subject))


def exclude_respondent(
    store: Aggregates, actor: Actor, command: ExcludeRespondent
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda ex: ex.exclude_respondent(c.respondent, c.reason, actor.subject)
    )


def reinstate_respondent(
    store: Aggregates, actor: Actor, command: ReinstateRespondent
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda ex: ex.reinstate_respondent(c.respondent, c.reason, actor.subject)
    )


def set_exercise_auto_close(
    store: Aggregates, actor: Actor, command: SetExerciseAutoClose
) -> CommandResult:
    c = command
    return _changed(store, actor, c, lambda ex: ex.set_auto_close(c.auto_close, actor.subject))


def close_due_exercise(store: Aggregates, actor: Actor, command: CloseDueExercise) -> CommandResult:
    return _changed(
        store, actor, command, lambda ex: ex.close_when_due(datetime.now(UTC), actor.subject)
    )


def reopen_exercise(store: Aggregates, actor: Actor, command: ReopenExercise) -> CommandResult:
    c = command
    return _changed(store, actor, c, lambda ex: ex.reopen(c.reason, c.deadline, actor.subject))


def import_maxdiff_responses(
    store: Aggregates, actor: Actor, command: ImportMaxDiffResponses
) -> CommandResult:
    csv_text = command.csv_text
    check_storable("csv", csv_text)
    if len(csv_text.encode()) > MAX_IMPORT_BYTES:
        raise ValidationError("csv", "the file is larger than 20 MiB")

    def mutate(ex: Exercise) -> None:
        if ex.method != ExerciseMethod.MAXDIFF:
            raise ValidationError("exerciseId", "only MaxDiff exercises import responses")
        labels: dict[str, UUID] = {}
        titles: dict[str, list[UUID]] = {}
        for item_id in ex.candidates:
            item = store.load(BacklogItem, item_id, actor, "BacklogItem")
            titles.setdefault(item.title, []).append(item_id)
            labels[str(item_id)] = item_id
        # A title shared by two candidates is ambiguous: those rows must use item IDs.
        labels.update({t: ids[0] for t, ids in titles.items() if len(ids) == 1})
        rows = parse_responses_csv(csv_text, labels)
        items = list(ex.candidates)
        index = {i: n for n, i in enumerate(items)}
        # Rows keep the six fields they always had; the threshold answer and the duration
        # follow only when the file has those columns (see `StoredImportRow`).
        later = any(r.important is not None or r.duration is not None for r in rows)
        compact = [
            [
                r.respondent,
                r.set_number,
                [index[i] for i in r.shown],
                index[r.best],
                index[r.worst],
                r.segment or "",
                *([r.important, r.duration] if later else []),
            ]
            for r in rows
        ]
        responses = {"items": [str(i) for i in items], "rows": compact}
        ex.import_responses(responses, optional_text("source", command.source, 200), actor.subject)

    return _changed(store, actor, command, mutate)


HANDLERS: Handlers = {
    CreateExercise: create_exercise,
    AddExerciseCandidate: add_exercise_candidate,
    WithdrawExerciseCandidate: withdraw_exercise_candidate,
    PriceExerciseCandidate: price_exercise_candidate,
    InviteParticipant: invite_participant,
    InviteParticipants: invite_participants,
    OpenExercise: open_exercise,
    SubmitBallot: submit_ballot,
    CloseExercise: close_exercise,
    ExcludeRespondent: exclude_respondent,
    ReopenExercise: reopen_exercise,
    ReinstateRespondent: reinstate_respondent,
    SetExerciseAutoClose: set_exercise_auto_close,
    CloseDueExercise: close_due_exercise,
    ImportMaxDiffResponses: import_maxdiff_responses,
}
