"""Exercise mutations: the lifecycle, candidates, participants, ballots and imports."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from okrank.api.commands.committed import state_row
from okrank.api.commands.path import run
from okrank.api.exercises import reads
from okrank.api.exercises.inputs import (
    AddExerciseCandidateInput,
    CloseExerciseInput,
    CreateExerciseInput,
    ExcludeRespondentInput,
    ImportMaxDiffResponsesInput,
    InviteParticipantInput,
    OpenExerciseInput,
    PriceExerciseCandidateInput,
    ReopenExerciseInput,
    SubmitBallotInput,
    WithdrawExerciseCandidateInput,
)
from okrank.api.exercises.types import Exercise
from okrank.api.graphql.errors import (
    ConflictError,
    CsvImportError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.domain.application import CommandResult

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
    return ExerciseSuccess(exercise=Exercise.from_row(state_row(rows, result)))


@strawberry.type(description="Exercise lifecycle.")
class ExerciseMutations:
    @strawberry.mutation(description="Create an exercise for one objective (owner).")
    async def create_exercise(self, info: Info, input: CreateExerciseInput) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(
        description="Add a candidate (only items tagged to the objective). While OPEN this is "
        "the re-scope checkpoint and needs a reason."
    )
    async def add_exercise_candidate(
        self, info: Info, input: AddExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(description="Withdraw a candidate (needs a reason while OPEN).")
    async def withdraw_exercise_candidate(
        self, info: Info, input: WithdrawExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(description="Price a Buy a Feature candidate.")
    async def price_exercise_candidate(
        self, info: Info, input: PriceExerciseCandidateInput
    ) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(description="Invite a participant (a token subject, usually STAKEHOLDER).")
    async def invite_participant(
        self, info: Info, input: InviteParticipantInput
    ) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(description="Open for ballots: designs and budgets are handed out.")
    async def open_exercise(self, info: Info, input: OpenExerciseInput) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(
        description="Submit (or revise) your ballot while the exercise is OPEN. Any role may "
        "vote in an exercise it is invited to."
    )
    async def submit_ballot(self, info: Info, input: SubmitBallotInput) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(description="Close the exercise: results are computed and ranked.")
    async def close_exercise(self, info: Info, input: CloseExerciseInput) -> ExercisePayload:
        return await run(info, input.command, exercise_success, CLOSE_WAIT_SECONDS)

    @strawberry.mutation(
        description="Exclude a respondent from the results with a reason (audited; listed in "
        "`excludedRespondents`); a CLOSED exercise's results and rankings are computed again."
    )
    async def exclude_respondent(
        self, info: Info, input: ExcludeRespondentInput
    ) -> ExercisePayload:
        return await run(info, input.command, exercise_success, CLOSE_WAIT_SECONDS)

    @strawberry.mutation(
        description="Reopen a CLOSED exercise with a reason (audited): its results are withdrawn "
        "until it closes again; ballots given stay and may be revised."
    )
    async def reopen_exercise(self, info: Info, input: ReopenExerciseInput) -> ExercisePayload:
        return await run(info, input.command, exercise_success)

    @strawberry.mutation(description="Import MaxDiff responses from a survey tool's CSV export.")
    async def import_max_diff_responses(
        self, info: Info, input: ImportMaxDiffResponsesInput
    ) -> ImportPayload:
        return await run(info, input.command, exercise_success)
