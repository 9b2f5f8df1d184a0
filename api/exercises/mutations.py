"""Exercise mutations: the lifecycle, candidates, participants, ballots and imports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.auth import Role
from okrank.api.commands.mutations import EFFORT, EXPECTED_VERSION, REACH, _row, need_id, run
from okrank.api.exercises import reads
from okrank.api.exercises.types import (
    Exercise,
    ExerciseMethodEnum,
    MoscowCategoryEnum,
)
from okrank.api.graphql.errors import (
    ConflictError,
    CsvImportError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.domain.application import CommandResult
from okrank.domain.bounds import BUDGET_MAX, PRICE_MAX, spelt
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.exercises.methods.moscow import Category
from okrank.domain.rankings.scoring import RiceInputs

VOTERS = frozenset(Role) - {Role.AUDITOR}  # an auditor reads, and never takes part
PRICE = f"price, in (0, {spelt(PRICE_MAX)}]."
# Closing computes the results in the projection (about 4 s for 1,000 MaxDiff participants,
# `python -m bench.exercise_close`): the answer waits for them rather than show OPEN.
CLOSE_WAIT_SECONDS = 120.0


@strawberry.type(description="The exercise after the change.")
class ExerciseSuccess:
    exercise: Exercise = strawberry.field(description="Its state, as queries now see it.")


ExercisePayload = Annotated[
    ExerciseSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("ExercisePayload", description="The exercise, or why nothing changed."),
]


ImportPayload = Annotated[
    ExerciseSuccess
    | CsvImportError
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "ImportPayload", description="The exercise with its imported responses, or why not."
    ),
]


async def exercise_success(ctx: Any, result: CommandResult) -> ExerciseSuccess:
    rows = await reads.exercises_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    return ExerciseSuccess(exercise=Exercise.from_row(_row(rows, result)))


@strawberry.input(description="A new exercise for one objective, created as DRAFT.")
class CreateExerciseInput:
    objective_id: strawberry.ID = strawberry.field(description="A DRAFT or ACTIVE objective.")
    method: ExerciseMethodEnum = strawberry.field(description="How stakeholders give input.")
    title: str = strawberry.field(description="Title shown to participants (1–200 characters).")
    instructions: str | None = strawberry.field(default=None, description="For participants.")
    deadline: datetime | None = strawberry.field(
        default=None, description="When ballots are due (shown to participants; ISO 8601)."
    )
    set_size: int = strawberry.field(default=4, description="MaxDiff: items per set (3–5).")


@strawberry.input(description="Adds an item tagged to the exercise's objective as a candidate.")
class AddExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(
        description="An item tagged to its objective."
    )
    price: float | None = strawberry.field(default=None, description=f"Buy a Feature {PRICE}")
    reason: str | None = strawberry.field(
        default=None, description="Required while OPEN: the re-scope checkpoint's reason."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Withdraws a candidate; ballots stay valid for the others.")
class WithdrawExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(description="A current candidate.")
    reason: str | None = strawberry.field(default=None, description="Required while OPEN.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Sets a Buy a Feature candidate's price (while DRAFT).")
class PriceExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT Buy a Feature exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(description="A current candidate.")
    price: float = strawberry.field(description=f"The {PRICE}")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Invites a participant by the subject of their token.")
class InviteParticipantInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    subject: str = strawberry.field(description="The participant's token subject.")
    segment: str | None = strawberry.field(
        default=None, description="A segment for per-segment results (Sales, Support, …)."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Opens an exercise for ballots.")
class OpenExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT exercise.")
    budget: float | None = strawberry.field(
        default=None,
        description="Buy a Feature: each participant's budget, in (0, "
        f"{spelt(BUDGET_MAX)}]; default: all budgets together are about 40% of the sum of prices.",
    )
    design: list[list[strawberry.ID]] | None = strawberry.field(
        default=None,
        description="MaxDiff: explicit sets (3–5 candidates each) for every participant; "
        "default: a balanced design, a different version per participant.",
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Names an exercise to close.")
class CloseExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN exercise.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Leave one respondent's answers out of the results.")
class ExcludeRespondentInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN or CLOSED exercise.")
    respondent: str = strawberry.field(
        description="A participant's subject or an imported respondent (as in "
        "`respondentUtilities`)."
    )
    reason: str = strawberry.field(description="Why (required; in the history).")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Reopen a CLOSED exercise: ballots are taken again.")
class ReopenExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A CLOSED exercise.")
    reason: str = strawberry.field(description="Why it reopens (required; in its history).")
    deadline: datetime | None = strawberry.field(
        default=None, description="The new deadline; none if omitted."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="MaxDiff: the best and the worst item of one of your sets.")
class MaxDiffAnswerInput:
    set_index: int = strawberry.field(description="Index of the set (myParticipation.sets).")
    best_id: strawberry.ID = strawberry.field(description="The item you choose as best.")
    worst_id: strawberry.ID = strawberry.field(description="The item you choose as worst.")


@strawberry.input(description="RICE session: your estimate of one candidate.")
class RiceEstimateInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="A candidate.")
    reach: float = strawberry.field(description=REACH)
    impact: float = strawberry.field(description="One of 3, 2, 1, 0.5, 0.25.")
    confidence: float = strawberry.field(description="In (0, 1].")
    effort: float = strawberry.field(description=EFFORT)


@strawberry.input(description="MoSCoW: your category for one candidate.")
class MoscowVoteInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="A candidate.")
    category: MoscowCategoryEnum = strawberry.field(description="Your category for it.")


@strawberry.input(description="Buy a Feature: money you put on one candidate.")
class AllocationInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="A candidate.")
    amount: float = strawberry.field(description="At least 0, at most the item's price.")


@strawberry.input(
    description="Your ballot; fill the list of the exercise's method. It replaces your previous "
    "ballot and may be partial."
)
class SubmitBallotInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN exercise you are in.")
    answers: list[MaxDiffAnswerInput] | None = strawberry.field(
        default=None, description="MaxDiff."
    )
    estimates: list[RiceEstimateInput] | None = strawberry.field(
        default=None, description="RICE session."
    )
    votes: list[MoscowVoteInput] | None = strawberry.field(default=None, description="MoSCoW.")
    allocations: list[AllocationInput] | None = strawberry.field(
        default=None, description="Buy a Feature."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(
    description="Imports MaxDiff responses exported by a survey tool as CSV: a header, then one "
    "row per respondent × set with columns respondent, set, items (labels shown, separated by "
    "|), best, worst and optionally segment. A label is a candidate's title or global ID. A bad "
    "file imports nothing: every bad row is reported with its line number. An import replaces "
    "the previous one."
)
class ImportMaxDiffResponsesInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN MaxDiff exercise.")
    csv: str = strawberry.field(
        description="The file's text (at most 20 MiB). A request body over 1 MiB (about "
        "17,000 rows) is refused at /graphql: send larger files to POST /graphql/import, which "
        "takes bodies up to 24 MiB and runs only this mutation."
    )
    source: str | None = strawberry.field(default=None, description="Where the file came from.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


def _exercise(input: Any) -> UUID:
    return need_id(input.exercise_id, "Exercise", "exerciseId")


def _item(input: Any) -> UUID:
    return need_id(input.backlog_item_id, "BacklogItem", "backlogItemId")


def _ballot(input: SubmitBallotInput) -> BallotInput:
    def item(value: str, path: str) -> UUID:
        return need_id(value, "BacklogItem", path)

    return BallotInput(
        answers=[
            MaxDiffAnswer(
                a.set_index,
                item(a.best_id, f"answers.{n}.bestId"),
                item(a.worst_id, f"answers.{n}.worstId"),
            )
            for n, a in enumerate(input.answers or [])
        ],
        estimates=[
            (
                item(e.backlog_item_id, f"estimates.{n}.backlogItemId"),
                RiceInputs(e.reach, e.impact, e.confidence, e.effort),
            )
            for n, e in enumerate(input.estimates or [])
        ],
        votes=[
            (item(v.backlog_item_id, f"votes.{n}.backlogItemId"), Category(v.category).value)
            for n, v in enumerate(input.votes or [])
        ],
        allocations=[
            (item(a.backlog_item_id, f"allocations.{n}.backlogItemId"), a.amount)
            for n, a in enumerate(input.allocations or [])
        ],
    )


@strawberry.type(description="Exercise lifecycle.")
class ExerciseMutations:
    @strawberry.mutation(description="Create an exercise for one objective (owner).")
    async def create_exercise(self, info: Info, input: CreateExerciseInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.create_exercise(
                actor,
                need_id(input.objective_id, "Objective", "objectiveId"),
                input.method.value,
                input.title,
                input.instructions,
                input.deadline.isoformat() if input.deadline else None,
                input.set_size,
            ),
            exercise_success,
        )

    @strawberry.mutation(
        description="Add a candidate (only items tagged to the objective). While OPEN this is "
        "the re-scope checkpoint and needs a reason."
    )
    async def add_exercise_candidate(
        self, info: Info, input: AddExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.add_exercise_candidate(
                actor,
                _exercise(input),
                _item(input),
                input.price,
                input.reason or "",
                input.expected_version,
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Withdraw a candidate (needs a reason while OPEN).")
    async def withdraw_exercise_candidate(
        self, info: Info, input: WithdrawExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.withdraw_exercise_candidate(
                actor, _exercise(input), _item(input), input.reason or "", input.expected_version
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Price a Buy a Feature candidate.")
    async def price_exercise_candidate(
        self, info: Info, input: PriceExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.price_exercise_candidate(
                actor, _exercise(input), _item(input), input.price, input.expected_version
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Invite a participant (a token subject, usually STAKEHOLDER).")
    async def invite_participant(
        self, info: Info, input: InviteParticipantInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.invite_participant(
                actor, _exercise(input), input.subject, input.segment, input.expected_version
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Open for ballots: designs and budgets are handed out.")
    async def open_exercise(self, info: Info, input: OpenExerciseInput) -> ExercisePayload:
        def command(app: Any, actor: Any) -> CommandResult:
            design = None
            if input.design is not None:
                design = [
                    [need_id(i, "BacklogItem", f"design.{n}") for i in s]
                    for n, s in enumerate(input.design)
                ]
            return app.open_exercise(
                actor, _exercise(input), input.budget, design, input.expected_version
            )

        return await run(info, command, exercise_success)

    @strawberry.mutation(
        description="Submit (or revise) your ballot while the exercise is OPEN. Any role but "
        "AUDITOR may vote in an exercise it is invited to."
    )
    async def submit_ballot(self, info: Info, input: SubmitBallotInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.submit_ballot(
                actor, _exercise(input), _ballot(input), input.expected_version
            ),
            exercise_success,
            roles=VOTERS,
        )

    @strawberry.mutation(description="Close the exercise: results are computed and ranked.")
    async def close_exercise(self, info: Info, input: CloseExerciseInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.close_exercise(actor, _exercise(input), input.expected_version),
            exercise_success,
            wait_seconds=CLOSE_WAIT_SECONDS,
        )

    @strawberry.mutation(
        description="Exclude a respondent from the results with a reason (audited; listed in "
        "`excludedRespondents`); a CLOSED exercise's results and rankings are computed again."
    )
    async def exclude_respondent(
        self, info: Info, input: ExcludeRespondentInput
    ) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.exclude_respondent(
                actor, _exercise(input), input.respondent, input.reason, input.expected_version
            ),
            exercise_success,
            wait_seconds=CLOSE_WAIT_SECONDS,
        )

    @strawberry.mutation(
        description="Reopen a CLOSED exercise with a reason (audited): its results are withdrawn "
        "until it closes again; ballots given stay and may be revised."
    )
    async def reopen_exercise(self, info: Info, input: ReopenExerciseInput) -> ExercisePayload:
        return await run(
            info,
            lambda app, actor: app.reopen_exercise(
                actor,
                _exercise(input),
                input.reason,
                input.deadline.isoformat() if input.deadline else None,
                input.expected_version,
            ),
            exercise_success,
        )

    @strawberry.mutation(description="Import MaxDiff responses from a survey tool's CSV export.")
    async def import_max_diff_responses(
        self, info: Info, input: ImportMaxDiffResponsesInput
    ) -> ImportPayload:
        return await run(
            info,
            lambda app, actor: app.import_maxdiff_responses(
                actor, _exercise(input), input.csv, input.source or "", input.expected_version
            ),
            exercise_success,
        )
