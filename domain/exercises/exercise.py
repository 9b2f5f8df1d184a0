"""Exercise aggregate: OKR-scoped stakeholder input for one objective.

A product owner curates candidates (items tagged to the objective), invites participants (by the
subject of their token, optionally with a segment such as Sales), opens the exercise, collects one
ballot per participant (revisable until close) and closes it. While open, a re-scope checkpoint
adds or withdraws candidates with a reason; ballots already given stay valid for the candidates
that remain. Results are computed from the ballots by a projection.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from okrank.domain.bounds import PRICE_MAX, bounded
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.text import REASON_MAX, optional_text, require_text

MAX_CANDIDATES = 100
MAX_PARTICIPANTS = 5_000


class ExerciseMethod(StrEnum):
    MAXDIFF = "MAXDIFF"
    RICE_SESSION = "RICE_SESSION"
    MOSCOW = "MOSCOW"
    BUY_A_FEATURE = "BUY_A_FEATURE"


class ExerciseStatus(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class Exercise(Aggregate):
    @event("Created")
    def __init__(
        self,
        workspace: str,
        objective_id: UUID,
        method: str,
        title: str,
        instructions: str,
        deadline: str | None,
        set_size: int,
        actor: str,
    ) -> None:
        self.workspace = workspace
        self.objective_id = objective_id
        self.method = ExerciseMethod(method)
        self.title = title
        self.instructions = instructions
        self.deadline = deadline
        self.set_size = set_size
        self.status = ExerciseStatus.DRAFT
        self.candidates: dict[UUID, float | None] = {}  # item → price (Buy a Feature)
        self.participants: dict[str, str] = {}  # subject → segment
        self.budgets: dict[str, float] = {}
        # MaxDiff sets per participant, packed into one string each (see `sets_of`): commands
        # copy the aggregate out of the cache, and a thousand participants' sets as UUID lists
        # made every ballot cost a deep copy of 60,000 objects.
        self.designs: dict[str, str] = {}
        # Who has submitted; the ballots themselves live in the events and the read model.
        self.submitted: dict[str, int] = {}  # participant → ballots submitted
        self.default_budget: float | None = None  # Buy a Feature: for participants invited late
        self.imported_respondents: frozenset[str] = frozenset()  # from a CSV import

    def sets_of(self, subject: str) -> list[list[UUID]]:
        """A participant's MaxDiff sets, in the order they were handed out."""
        packed = self.designs.get(subject)
        if not packed:
            return []
        return [[UUID(i) for i in s.split(",")] for s in packed.split("|")]

    # --- curation and invitations ---

    def _require(self, *statuses: ExerciseStatus) -> None:
        if self.status not in statuses:
            allowed = " or ".join(s.value for s in statuses)
            raise ConflictError(
                f"exercise is {self.status.value}; this needs {allowed}", self.version
            )

    def add_candidate(
        self,
        item_id: UUID,
        price: float | None,
        reason: str,
        actor: str,
        extra_sets: dict[str, list[list[UUID]]] | None = None,
    ) -> None:
        """`extra_sets`: while a MaxDiff exercise is open, the sets each participant gets so that
        the new candidate is shown as often as the others (computed by the application)."""
        self._require(ExerciseStatus.DRAFT, ExerciseStatus.OPEN)
        if item_id in self.candidates:
            raise ConflictError("item is already a candidate", self.version)
        if len(self.candidates) >= MAX_CANDIDATES:
            raise ValidationError("backlogItemId", f"at most {MAX_CANDIDATES} candidates")
        if price is not None:
            price = bounded("price", price, 0.0, PRICE_MAX, low_open=True)
        reason = _reason(reason, required=self.status == ExerciseStatus.OPEN)
        self._candidate_added(
            item_id=item_id,
            price=price,
            reason=reason or "",
            actor=actor,
            extra_sets=extra_sets or {},
        )

    @event("CandidateAdded")
    def _candidate_added(
        self,
        item_id: UUID,
        price: float | None,
        reason: str,
        actor: str,
        extra_sets: dict[str, list[list[UUID]]] | None = None,
    ) -> None:
        self.candidates[item_id] = price
        for subject, sets in (extra_sets or {}).items():
            self.designs[subject] = _pack([*self.sets_of(subject), *sets])

    def withdraw_candidate(self, item_id: UUID, reason: str, actor: str) -> None:
        self._require(ExerciseStatus.DRAFT, ExerciseStatus.OPEN)
        if item_id not in self.candidates:
            raise ValidationError("backlogItemId", "item is not a candidate")
        reason = _reason(reason, required=self.status == ExerciseStatus.OPEN)
        self._candidate_withdrawn(item_id=item_id, reason=reason or "", actor=actor)

    @event("CandidateWithdrawn")
    def _candidate_withdrawn(self, item_id: UUID, reason: str, actor: str) -> None:
        del self.candidates[item_id]

    def price_candidate(self, item_id: UUID, price: float, actor: str) -> None:
        self._require(ExerciseStatus.DRAFT)
        if self.method != ExerciseMethod.BUY_A_FEATURE:
            raise ValidationError("price", "only Buy a Feature candidates have prices")
        if item_id not in self.candidates:
            raise ValidationError("backlogItemId", "item is not a candidate")
        price = bounded("price", price, 0.0, PRICE_MAX, low_open=True)
        self._candidate_priced(item_id=item_id, price=price, actor=actor)

    @event("CandidatePriced")
    def _candidate_priced(self, item_id: UUID, price: float, actor: str) -> None:
        self.candidates[item_id] = price

    def invite(
        self,
        subject: str,
        segment: str | None,
        actor: str,
        design: list[list[UUID]] | None = None,
        budget: float | None = None,
    ) -> None:
        """While open, a late participant gets its MaxDiff sets or budget with the invitation."""
        self._require(ExerciseStatus.DRAFT, ExerciseStatus.OPEN)
        subject = require_text("subject", subject, 200)
        if subject in self.participants:
            raise ConflictError("already invited", self.version)
        if len(self.participants) >= MAX_PARTICIPANTS:
            raise ValidationError("subject", f"at most {MAX_PARTICIPANTS} participants")
        if subject in self.imported_respondents:
            raise ConflictError("an imported respondent already has this name", self.version)
        self._invited(
            subject=subject,
            segment=optional_text("segment", segment, 100),
            actor=actor,
            design=design,
            budget=budget,
        )

    @event("ParticipantInvited")
    def _invited(
        self,
        subject: str,
        segment: str,
        actor: str,
        design: list[list[UUID]] | None = None,
        budget: float | None = None,
    ) -> None:
        self.participants[subject] = segment
        if design is not None:
            self.designs[subject] = _pack(design)
        if budget is not None:
            self.budgets[subject] = budget

    # --- lifecycle ---

    def open(
        self,
        designs: dict[str, list[list[UUID]]],
        budgets: dict[str, float],
        actor: str,
        default_budget: float | None = None,
    ) -> None:
        """Open for ballots. The application computes MaxDiff designs and default budgets."""
        self._require(ExerciseStatus.DRAFT)
        if len(self.candidates) < 2:
            raise ValidationError("id", "add at least two candidates before opening")
        if not self.participants and not self.imported_respondents:
            raise ValidationError("id", "invite at least one participant before opening")
        if self.method == ExerciseMethod.BUY_A_FEATURE and any(
            p is None for p in self.candidates.values()
        ):
            raise ValidationError("id", "price every candidate before opening")
        self._opened(designs=designs, budgets=budgets, actor=actor, default_budget=default_budget)

    @event("Opened")
    def _opened(
        self,
        designs: dict[str, list[list[UUID]]],
        budgets: dict[str, float],
        actor: str,
        default_budget: float | None = None,
    ) -> None:
        self.status = ExerciseStatus.OPEN
        self.designs = {subject: _pack(sets) for subject, sets in designs.items()}
        self.budgets = budgets
        self.default_budget = default_budget

    def import_responses(self, responses: dict[str, Any], source: str, actor: str) -> None:
        """Replace the MaxDiff responses imported from an external survey tool's export.

        `responses` (validated by the application): {"items": [item ids], "rows": [[respondent,
        set number, [item indices shown], best index, worst index, segment], ...]}."""
        self._require(ExerciseStatus.DRAFT, ExerciseStatus.OPEN)
        if self.method != ExerciseMethod.MAXDIFF:
            raise ValidationError("exerciseId", "only MaxDiff exercises import responses")
        clash = {str(r[0]) for r in responses["rows"]} & set(self.participants)
        if clash:
            raise ValidationError(
                "csv", f"respondent {sorted(clash)[0]!r} is also an invited participant"
            )
        self._responses_imported(responses=responses, source=source, actor=actor)

    @event("ResponsesImported")
    def _responses_imported(self, responses: dict[str, Any], source: str, actor: str) -> None:
        self.imported_respondents = frozenset(str(r[0]) for r in responses["rows"])

    def submit_ballot(self, participant: str, ballot: Any, actor: str) -> None:
        """Record (or replace) a participant's ballot; the caller validated it by method."""
        self._require(ExerciseStatus.OPEN)
        if participant not in self.participants:
            raise ValidationError("id", "you are not invited to this exercise")
        self._ballot_submitted(participant=participant, ballot=ballot, actor=actor)

    @event("BallotSubmitted")
    def _ballot_submitted(self, participant: str, ballot: Any, actor: str) -> None:
        self.submitted[participant] = self.submitted.get(participant, 0) + 1

    def close(self, actor: str) -> None:
        self._require(ExerciseStatus.OPEN)
        self._closed(actor=actor)

    @event("Closed")
    def _closed(self, actor: str) -> None:
        self.status = ExerciseStatus.CLOSED

    def exclude_respondent(self, respondent: str, reason: str, actor: str) -> None:
        """Leave a respondent's answers out of the results (e.g. answers no better than chance),
        with a reason (audited). A closed exercise's results are computed again."""
        self._require(ExerciseStatus.OPEN, ExerciseStatus.CLOSED)
        if respondent not in self.participants and respondent not in self.imported_respondents:
            raise ValidationError("respondent", "not a participant or imported respondent")
        if respondent in self.excluded_respondents:
            raise ConflictError(f"respondent {respondent!r} is already excluded", self.version)
        self._respondent_excluded(
            respondent=respondent, reason=_reason(reason, required=True), actor=actor
        )

    @event("RespondentExcluded")
    def _respondent_excluded(self, respondent: str, reason: str, actor: str) -> None:
        self.excluded_respondents = {**self.excluded_respondents, respondent: reason}

    def reinstate_respondent(self, respondent: str, reason: str, actor: str) -> None:
        """Count an excluded respondent's answers again, with a reason (audited); a closed
        exercise's results are computed again."""
        self._require(ExerciseStatus.OPEN, ExerciseStatus.CLOSED)
        if respondent not in self.excluded_respondents:
            raise ValidationError("respondent", f"respondent {respondent!r} is not excluded")
        self._respondent_reinstated(
            respondent=respondent, reason=_reason(reason, required=True), actor=actor
        )

    @event("RespondentReinstated")
    def _respondent_reinstated(self, respondent: str, reason: str, actor: str) -> None:
        self.excluded_respondents = {
            k: v for k, v in self.excluded_respondents.items() if k != respondent
        }

    @property
    def excluded_respondents(self) -> dict[str, str]:
        """Respondent → reason. A property with a default: aggregates rebuilt from snapshots
        taken before exclusions existed have no such attribute."""
        return self.__dict__.get("_excluded", {})

    @excluded_respondents.setter
    def excluded_respondents(self, value: dict[str, str]) -> None:
        self.__dict__["_excluded"] = value

    def reopen(self, reason: str, deadline: str | None, actor: str) -> None:
        """Take ballots again after a close, with a reason (audited) and optionally a new
        deadline (None keeps no deadline: a past one would refuse every ballot). Ballots given
        stay; results are computed again at the next close."""
        self._require(ExerciseStatus.CLOSED)
        self._reopened(reason=_reason(reason, required=True), deadline=deadline, actor=actor)

    @event("Reopened")
    def _reopened(self, reason: str, deadline: str | None, actor: str) -> None:
        self.status = ExerciseStatus.OPEN
        self.deadline = deadline

    def set_auto_close(self, auto_close: bool, actor: str) -> None:
        """Close by itself at the deadline (done by the serving process, see
        okrank.api.exercises.auto_close), or not. Needs a deadline to turn on."""
        self._require(ExerciseStatus.DRAFT, ExerciseStatus.OPEN)
        if auto_close and not self.deadline:
            raise ValidationError("autoClose", "an exercise without a deadline cannot close at it")
        if auto_close == self.auto_close:
            raise ConflictError(
                f"automatic close is already {'on' if auto_close else 'off'}", self.version
            )
        self._auto_close_set(auto_close=auto_close, actor=actor)

    @event("AutoCloseSet")
    def _auto_close_set(self, auto_close: bool, actor: str) -> None:
        self.auto_close = auto_close

    @property
    def auto_close(self) -> bool:
        """A property with a default: exercises (and snapshots) from before the option exist."""
        return self.__dict__.get("_auto_close", False)

    @auto_close.setter
    def auto_close(self, value: bool) -> None:
        self.__dict__["_auto_close"] = value

    def close_when_due(self, now: datetime, actor: str) -> None:
        """The automatic close: only an OPEN exercise with automatic close on whose deadline
        has passed (checked here, on the aggregate, not on a possibly stale read model)."""
        self._require(ExerciseStatus.OPEN)
        if not self.auto_close or not self.deadline_passed(now):
            raise ConflictError("the exercise is not due to close by itself", self.version)
        self._closed(actor=actor)

    def deadline_passed(self, now: datetime) -> bool:
        return deadline_passed(self.deadline, now)


def deadline_passed(deadline: str | None, now: datetime) -> bool:
    """Whether `now` is after the deadline (ISO 8601; one without a zone is UTC)."""
    if not deadline:
        return False
    due = datetime.fromisoformat(deadline)
    return now > (due if due.tzinfo else due.replace(tzinfo=UTC))


def _reason(reason: str | None, required: bool) -> str:
    """While OPEN the re-scope checkpoint needs a reason; in DRAFT one is optional."""
    if required:
        return require_text("reason", reason or "", REASON_MAX)
    return optional_text("reason", reason, REASON_MAX)


def _pack(sets: list[list[UUID]]) -> str:
    return "|".join(",".join(str(i) for i in s) for s in sets)
