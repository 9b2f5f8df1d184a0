"""Exercise mutations: the lifecycle, candidates, participants, ballots and imports."""

from __future__ import annotations

import strawberry

from okrank.api.commands.committed import state_success
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.exercises import reads
from okrank.api.exercises.inputs import (
    AddExerciseCandidateInput,
    CloseExerciseInput,
    CreateExerciseInput,
    ExcludeRespondentInput,
    ImportMaxDiffResponsesInput,
    InviteParticipantInput,
    InviteParticipantsInput,
    OpenExerciseInput,
    PriceExerciseCandidateInput,
    ReinstateRespondentInput,
    ReopenExerciseInput,
    SetExerciseAutoCloseInput,
    SubmitBallotInput,
    WithdrawExerciseCandidateInput,
)
from okrank.api.exercises.types import Exercise
from okrank.api.graphql.errors import (
    CsvImportError,
)

# Closing computes the results in the projection (about 4 s for 1,000 MaxDiff participants,
# `python -m bench.exercise_close`): the answer waits for them rather than show OPEN. Batches
# of invitations (and an opening with them) wait as long: 1,000 participants' rows.
CLOSE_WAIT_SECONDS = 120.0


ExerciseSuccess, exercise_success = state_success(
    Exercise, "exercise", reads.exercises_by_id, "The exercise after the change."
)
ExercisePayload = payload(
    "ExercisePayload", "The exercise, or why nothing changed.", ExerciseSuccess
)


ImportPayload = payload(
    "ImportPayload",
    "The exercise with its imported responses, or why not.",
    ExerciseSuccess,
    CsvImportError,
)


@strawberry.type(description="Exercise lifecycle.")
class ExerciseMutations:
    create_exercise = command_mutation(
        CreateExerciseInput,
        ExercisePayload,
        exercise_success,
        "Create an exercise for one objective (owner).",
    )
    add_exercise_candidate = command_mutation(
        AddExerciseCandidateInput,
        ExercisePayload,
        exercise_success,
        "Add a candidate (only items tagged to the objective). While OPEN this is "
        "the re-scope checkpoint and needs a reason.",
    )
    withdraw_exercise_candidate = command_mutation(
        WithdrawExerciseCandidateInput,
        ExercisePayload,
        exercise_success,
        "Withdraw a candidate (needs a reason while OPEN).",
    )
    price_exercise_candidate = command_mutation(
        PriceExerciseCandidateInput,
        ExercisePayload,
        exercise_success,
        "Price a Buy a Feature candidate.",
    )
    invite_participant = command_mutation(
        InviteParticipantInput,
        ExercisePayload,
        exercise_success,
        "Invite a participant (a token subject, usually STAKEHOLDER).",
    )
    invite_participants = command_mutation(
        InviteParticipantsInput,
        ExercisePayload,
        exercise_success,
        "Invite many participants at once (one change, one save).",
        CLOSE_WAIT_SECONDS,
    )
    open_exercise = command_mutation(
        OpenExerciseInput,
        ExercisePayload,
        exercise_success,
        "Open for ballots: designs and budgets are handed out (to `participants` too, invited "
        "in the same change).",
        CLOSE_WAIT_SECONDS,
    )
    submit_ballot = command_mutation(
        SubmitBallotInput,
        ExercisePayload,
        exercise_success,
        "Submit (or revise) your ballot while the exercise is OPEN. Any role but AUDITOR may "
        "vote in an exercise it is invited to.",
    )
    close_exercise = command_mutation(
        CloseExerciseInput,
        ExercisePayload,
        exercise_success,
        "Close the exercise: results are computed and ranked.",
        CLOSE_WAIT_SECONDS,
    )
    exclude_respondent = command_mutation(
        ExcludeRespondentInput,
        ExercisePayload,
        exercise_success,
        "Exclude a respondent from the results with a reason (audited; listed in "
        "`excludedRespondents`); a CLOSED exercise's results and rankings are computed again.",
        CLOSE_WAIT_SECONDS,
    )
    reinstate_respondent = command_mutation(
        ReinstateRespondentInput,
        ExercisePayload,
        exercise_success,
        "Count an excluded respondent's answers again, with a reason (audited; they leave "
        "`excludedRespondents`); a CLOSED exercise's results and rankings are computed again.",
        CLOSE_WAIT_SECONDS,
    )
    set_exercise_auto_close = command_mutation(
        SetExerciseAutoCloseInput,
        ExercisePayload,
        exercise_success,
        "Turn the automatic close at the deadline on or off (audited in the history).",
    )
    reopen_exercise = command_mutation(
        ReopenExerciseInput,
        ExercisePayload,
        exercise_success,
        "Reopen a CLOSED exercise with a reason (audited): its results are withdrawn "
        "until it closes again; ballots given stay and may be revised.",
    )
    import_max_diff_responses = command_mutation(
        ImportMaxDiffResponsesInput,
        ImportPayload,
        exercise_success,
        "Import MaxDiff responses from a survey tool's CSV export.",
    )
