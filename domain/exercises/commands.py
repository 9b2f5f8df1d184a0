"""Commands of OKR-scoped stakeholder exercises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from okrank.domain.commands import ChangeCommand, Command
from okrank.domain.exercises.ballots import BallotInput


@dataclass(frozen=True)
class CreateExercise(Command):
    objective_id: UUID
    method: str
    title: str
    instructions: str | None = None
    deadline: str | None = None  # ISO 8601
    set_size: int = 4
    auto_close: bool = False  # close by itself at the deadline


@dataclass(frozen=True)
class ExerciseCommand(ChangeCommand):
    """A command on one existing exercise."""

    exercise_id: UUID


@dataclass(frozen=True)
class AddExerciseCandidate(ExerciseCommand):
    item_id: UUID
    price: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class WithdrawExerciseCandidate(ExerciseCommand):
    item_id: UUID
    reason: str = ""


@dataclass(frozen=True)
class PriceExerciseCandidate(ExerciseCommand):
    item_id: UUID
    price: float


@dataclass(frozen=True)
class InviteParticipant(ExerciseCommand):
    subject: str
    segment: str | None = None


@dataclass(frozen=True)
class Invitation:
    """One participant of a batch: a token subject and an optional segment."""

    subject: str
    segment: str | None = None


@dataclass(frozen=True)
class InviteParticipants(ExerciseCommand):
    """Many invitations in one command and one save (a 1,000-person exercise)."""

    participants: Sequence[Invitation]


@dataclass(frozen=True)
class OpenExercise(ExerciseCommand):
    budget: float | None = None
    design: Sequence[Sequence[UUID]] | None = None
    # Invited in the same save, before the designs and budgets are handed out.
    participants: Sequence[Invitation] = ()


@dataclass(frozen=True)
class SubmitBallot(ExerciseCommand):
    ballot: BallotInput


@dataclass(frozen=True)
class CloseExercise(ExerciseCommand):
    pass


@dataclass(frozen=True)
class ExcludeRespondent(ExerciseCommand):
    respondent: str
    reason: str


@dataclass(frozen=True)
class ReinstateRespondent(ExerciseCommand):
    respondent: str
    reason: str


@dataclass(frozen=True)
class SetExerciseAutoClose(ExerciseCommand):
    auto_close: bool


# The subject of the system actor that closes exercises at their deadline (in the history).
AUTO_CLOSE_ACTOR = "okrank:auto-close"


@dataclass(frozen=True)
class CloseDueExercise(ExerciseCommand):
    """The automatic close at the deadline, issued by the serving process as a system actor."""


@dataclass(frozen=True)
class ReopenExercise(ExerciseCommand):
    reason: str
    deadline: str | None = None


@dataclass(frozen=True)
class ImportMaxDiffResponses(ExerciseCommand):
    csv_text: str
    source: str = ""
