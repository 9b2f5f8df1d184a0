"""Commands on sprints: create, plan and unplan items, start, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from okrank.domain.commands import ChangeCommand, Command


@dataclass(frozen=True)
class CreateSprint(Command):
    """A PLANNED sprint of a team; its goal steps toward one key result of the cycle."""

    team: str
    cycle: str
    start_date: date
    end_date: date
    goal: str
    goal_objective_id: UUID
    goal_key_result_id: UUID


@dataclass(frozen=True)
class SprintCommand(ChangeCommand):
    """A command on one existing sprint."""

    sprint_id: UUID


@dataclass(frozen=True)
class PlanSprintItem(SprintCommand):
    """Plan a backlog item into the sprint. An ineligible item (domain.rankings.eligibility)
    needs `override_reason`, and only a caller the API found `may_override` can give one."""

    item_id: UUID
    override_reason: str | None = None
    may_override: bool = False


@dataclass(frozen=True)
class UnplanSprintItem(SprintCommand):
    item_id: UUID
    reason: str | None = None


@dataclass(frozen=True)
class StartSprint(SprintCommand):
    pass


@dataclass(frozen=True)
class CloseSprint(SprintCommand):
    """Close the sprint: each planned item DONE now counts as done, every other one carries over."""
