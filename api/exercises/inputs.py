"""Exercise mutation inputs, each turned into its domain command at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from okrank.api.backlog.mutations import EFFORT, REACH
from okrank.api.commands.inputs import (
    command_of,
    exercise_id,
    item_id,
    need_id,
    objective_id,
    versioned,
)
from okrank.api.exercises.enums import ExerciseMethodEnum, MoscowCategoryEnum
from okrank.domain.bounds import BUDGET_MAX, PRICE_MAX, spelt
from okrank.domain.exercises import commands
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.exercises.commands import AUTO_CLOSE_ACTOR
from okrank.domain.exercises.methods.moscow import Category
from okrank.domain.rankings.scoring import RiceInputs

PRICE = f"price, in (0, {spelt(PRICE_MAX)}]."


def _ballot(input: Any) -> BallotInput:
    def item(value: str, path: str) -> UUID:
        return need_id(value, "BacklogItem", path)

    return BallotInput(
        answers=[
            MaxDiffAnswer(
                a.set_index,
                item(a.best_id, f"answers.{n}.bestId"),
                item(a.worst_id, f"answers.{n}.worstId"),
                a.any_important,
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
    auto_close: bool = strawberry.field(
        default=False,
        description="Close by itself once the deadline has passed (needs a deadline). The "
        "server checks every few seconds and closes through the ordinary command path as "
        f"`{AUTO_CLOSE_ACTOR}`.",
    )

    def command(self) -> commands.CreateExercise:
        return command_of(
            self,
            commands.CreateExercise,
            objective_id=objective_id(self),
            method=self.method.value,
            deadline=self.deadline.isoformat() if self.deadline else None,
        )


@strawberry.input(description="Adds an item tagged to the exercise's objective as a candidate.")
@versioned
class AddExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(
        description="An item tagged to its objective."
    )
    price: float | None = strawberry.field(default=None, description=f"Buy a Feature {PRICE}")
    reason: str | None = strawberry.field(
        default=None, description="Required while OPEN: the re-scope checkpoint's reason."
    )

    def command(self) -> commands.AddExerciseCandidate:
        return command_of(
            self,
            commands.AddExerciseCandidate,
            exercise_id=exercise_id(self),
            item_id=item_id(self),
            reason=self.reason or "",
        )


@strawberry.input(description="Withdraws a candidate; ballots stay valid for the others.")
@versioned
class WithdrawExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(description="A current candidate.")
    reason: str | None = strawberry.field(default=None, description="Required while OPEN.")

    def command(self) -> commands.WithdrawExerciseCandidate:
        return command_of(
            self,
            commands.WithdrawExerciseCandidate,
            exercise_id=exercise_id(self),
            item_id=item_id(self),
            reason=self.reason or "",
        )


@strawberry.input(description="Sets a Buy a Feature candidate's price (while DRAFT).")
@versioned
class PriceExerciseCandidateInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT Buy a Feature exercise.")
    backlog_item_id: strawberry.ID = strawberry.field(description="A current candidate.")
    price: float = strawberry.field(description=f"The {PRICE}")

    def command(self) -> commands.PriceExerciseCandidate:
        return command_of(
            self,
            commands.PriceExerciseCandidate,
            exercise_id=exercise_id(self),
            item_id=item_id(self),
        )


@strawberry.input(description="Invites a participant by the subject of their token.")
@versioned
class InviteParticipantInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    subject: str = strawberry.field(description="The participant's token subject.")
    segment: str | None = strawberry.field(
        default=None, description="A segment for per-segment results (Sales, Support, …)."
    )

    def command(self) -> commands.InviteParticipant:
        return command_of(self, commands.InviteParticipant, exercise_id=exercise_id(self))


@strawberry.input(description="One participant of a batch of invitations.")
class ParticipantInvitationInput:
    subject: str = strawberry.field(description="The participant's token subject.")
    segment: str | None = strawberry.field(
        default=None, description="A segment for per-segment results (Sales, Support, …)."
    )


def _invitations(
    given: list[ParticipantInvitationInput] | None,
) -> tuple[commands.Invitation, ...]:
    """A tuple: commands are frozen values, equal whether or not participants were given."""
    return tuple(commands.Invitation(p.subject, p.segment) for p in given or [])


@strawberry.input(description="Invites many participants in one change.")
@versioned
class InviteParticipantsInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    participants: list[ParticipantInvitationInput] = strawberry.field(
        description="1 to 5,000 participants, none already invited; one refused (named by its"
        " index in `path`) invites none."
    )

    def command(self) -> commands.InviteParticipants:
        return command_of(
            self,
            commands.InviteParticipants,
            exercise_id=exercise_id(self),
            participants=_invitations(self.participants),
        )


@strawberry.input(description="Opens an exercise for ballots.")
@versioned
class OpenExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT exercise.")
    participants: list[ParticipantInvitationInput] | None = strawberry.field(
        default=None,
        description="Participants invited in the same change, before designs and budgets are "
        "handed out (as `inviteParticipants`: one refused opens nothing).",
    )
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

    def command(self) -> commands.OpenExercise:
        design = None
        if self.design is not None:
            design = [
                [need_id(i, "BacklogItem", f"design.{n}") for i in s]
                for n, s in enumerate(self.design)
            ]
        return command_of(
            self,
            commands.OpenExercise,
            exercise_id=exercise_id(self),
            design=design,
            participants=_invitations(self.participants),
        )


@strawberry.input(description="Names an exercise to close.")
@versioned
class CloseExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN exercise.")

    def command(self) -> commands.CloseExercise:
        return command_of(self, commands.CloseExercise, exercise_id=exercise_id(self))


@strawberry.input(description="Leave one respondent's answers out of the results.")
@versioned
class ExcludeRespondentInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN or CLOSED exercise.")
    respondent: str = strawberry.field(
        description="A participant's subject or an imported respondent (as in "
        "`respondentUtilities`)."
    )
    reason: str = strawberry.field(description="Why (required; in the history).")

    def command(self) -> commands.ExcludeRespondent:
        return command_of(self, commands.ExcludeRespondent, exercise_id=exercise_id(self))


@strawberry.input(description="Count an excluded respondent's answers again.")
@versioned
class ReinstateRespondentInput:
    exercise_id: strawberry.ID = strawberry.field(description="An OPEN or CLOSED exercise.")
    respondent: str = strawberry.field(description="A respondent in `excludedRespondents`.")
    reason: str = strawberry.field(description="Why (required; in the history).")

    def command(self) -> commands.ReinstateRespondent:
        return command_of(self, commands.ReinstateRespondent, exercise_id=exercise_id(self))


@strawberry.input(description="Turn an exercise's automatic close at its deadline on or off.")
@versioned
class SetExerciseAutoCloseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN exercise.")
    auto_close: bool = strawberry.field(
        description="On: it closes by itself once its deadline has passed (needs a deadline)."
    )

    def command(self) -> commands.SetExerciseAutoClose:
        return command_of(self, commands.SetExerciseAutoClose, exercise_id=exercise_id(self))


@strawberry.input(description="Reopen a CLOSED exercise: ballots are taken again.")
@versioned
class ReopenExerciseInput:
    exercise_id: strawberry.ID = strawberry.field(description="A CLOSED exercise.")
    reason: str = strawberry.field(description="Why it reopens (required; in its history).")
    deadline: datetime | None = strawberry.field(
        default=None, description="The new deadline; none if omitted."
    )

    def command(self) -> commands.ReopenExercise:
        return command_of(
            self,
            commands.ReopenExercise,
            exercise_id=exercise_id(self),
            deadline=self.deadline.isoformat() if self.deadline else None,
        )


@strawberry.input(description="MaxDiff: the best and the worst item of one of your sets.")
class MaxDiffAnswerInput:
    set_index: int = strawberry.field(description="Index of the set (myParticipation.sets).")
    best_id: strawberry.ID = strawberry.field(description="The item you choose as best.")
    worst_id: strawberry.ID = strawberry.field(description="The item you choose as worst.")
    any_important: bool | None = strawberry.field(
        default=None,
        description="Anchored MaxDiff: your answer to “are any of these important at all?” "
        "after the set (null: not asked). With these answers the results place each item "
        "against that threshold (`anchoredUtility`, `mattersAtAll`).",
    )


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
@versioned
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

    def command(self) -> commands.SubmitBallot:
        return command_of(
            self, commands.SubmitBallot, exercise_id=exercise_id(self), ballot=_ballot(self)
        )


@strawberry.input(
    description="Imports MaxDiff responses exported by a survey tool as CSV: a header, then one "
    "row per respondent × set with columns respondent, set, items (labels shown, separated by "
    "|), best, worst and optionally segment, important (anchored MaxDiff: yes / no, “are any "
    "of these important at all?”) and duration (the respondent's seconds on the survey, for "
    "the speeder flag). A label is a candidate's title or global ID. A bad "
    "file imports nothing: every bad row is reported with its line number. An import replaces "
    "the previous one."
)
@versioned
class ImportMaxDiffResponsesInput:
    exercise_id: strawberry.ID = strawberry.field(description="A DRAFT or OPEN MaxDiff exercise.")
    csv: str = strawberry.field(
        description="The file's text (at most 20 MiB). A request body over 1 MiB (about "
        "17,000 rows) is refused at /graphql: send larger files to POST /graphql/import, which "
        "takes bodies up to 24 MiB and runs only this mutation."
    )
    source: str | None = strawberry.field(default=None, description="Where the file came from.")

    def command(self) -> commands.ImportMaxDiffResponses:
        return command_of(
            self,
            commands.ImportMaxDiffResponses,
            exercise_id=exercise_id(self),
            csv_text=self.csv,
            source=self.source or "",
        )
