"""Sprint aggregate: a team's time-box in a cycle, its goal (a step toward one key result), the
items planned into it and, at its close, which of them were done and which carried over."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.snapshots import StateSnapshot

GOAL_MAX = 500


class SprintStatus(StrEnum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


def sprint_dates(start: date, end: date) -> tuple[str, str]:
    """The dates as stored (ISO text): the end may equal the start, never precede it."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValidationError("startDate", "startDate and endDate must be dates")
    if end < start:
        raise ValidationError("endDate", f"endDate {end} is before startDate {start}")
    return start.isoformat(), end.isoformat()


class Sprint(Aggregate):
    Snapshot = StateSnapshot  # plain JSON state: see domain.snapshots

    @event("Created")
    def __init__(
        self,
        workspace: str,
        team: str,
        cycle: str,
        start_date: str,
        end_date: str,
        goal: str,
        goal_objective_id: UUID,
        goal_key_result_id: UUID,
        actor: str,
    ) -> None:
        self.workspace = workspace
        self.team = team
        self.cycle = cycle
        self.start_date = start_date
        self.end_date = end_date
        self.goal = goal
        self.goal_objective_id = goal_objective_id
        self.goal_key_result_id = goal_key_result_id
        self.status = SprintStatus.PLANNED
        self.items: list[UUID] = []  # in the order planned

    def _open_for_planning(self) -> None:
        if self.status == SprintStatus.CLOSED:
            raise ValidationError(
                "sprintId", "the sprint is CLOSED; nothing can be planned into it"
            )

    def plan(self, item_id: UUID, override_reason: str, actor: str) -> None:
        """Plan an item; `override_reason` is non-empty when an owner plans an ineligible item
        anyway (the handler decides eligibility and who may override)."""
        self._open_for_planning()
        if item_id in self.items:
            raise ValidationError("backlogItemId", "the item is already planned in this sprint")
        self._item_planned(item_id=item_id, override_reason=override_reason, actor=actor)

    @event("ItemPlanned")
    def _item_planned(self, item_id: UUID, override_reason: str, actor: str) -> None:
        self.items.append(item_id)

    def unplan(self, item_id: UUID, reason: str, actor: str) -> None:
        if self.status == SprintStatus.CLOSED:
            raise ValidationError("sprintId", "the sprint is CLOSED; its items are final")
        if item_id not in self.items:
            raise ValidationError("backlogItemId", "the item is not planned in this sprint")
        self._item_unplanned(item_id=item_id, reason=reason, actor=actor)

    @event("ItemUnplanned")
    def _item_unplanned(self, item_id: UUID, reason: str, actor: str) -> None:
        self.items.remove(item_id)

    def start(self, actor: str) -> None:
        if self.status != SprintStatus.PLANNED:
            raise ConflictError(
                f"only a PLANNED sprint can be started; it is {self.status.value}",
                current_version=self.version,
            )
        self._started(actor=actor)

    @event("Started")
    def _started(self, actor: str) -> None:
        self.status = SprintStatus.ACTIVE

    def close(self, done: list[UUID], carried_over: list[UUID], actor: str) -> None:
        """Close an ACTIVE sprint with each planned item's final status: done, or carried over."""
        if self.status != SprintStatus.ACTIVE:
            raise ConflictError(
                f"only an ACTIVE sprint can be closed; it is {self.status.value}",
                current_version=self.version,
            )
        if sorted(done + carried_over) != sorted(self.items):
            raise AssertionError("every planned item is either done or carried over")
        self._closed(done=done, carried_over=carried_over, actor=actor)

    @event("Closed")
    def _closed(self, done: list[UUID], carried_over: list[UUID], actor: str) -> None:
        self.status = SprintStatus.CLOSED
