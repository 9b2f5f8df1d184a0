"""A team's sprint calendar: the date ranges its sprints hold, in one aggregate per team.

No two sprints of a team may overlap, a rule across Sprint aggregates. A new sprint is saved
together with the calendar it was checked against (one transaction, each at its next version),
so of two concurrent creations the second's calendar write conflicts: it reloads the calendar,
checks again and is refused if it overlaps."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okrank.domain.errors import ValidationError
from okrank.domain.snapshots import StateSnapshot


def team_calendar_id(workspace: str, team: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"okrank:team-sprints:{workspace}:{team}")


class TeamCalendar(Aggregate):
    Snapshot = StateSnapshot  # plain JSON state: see domain.snapshots

    @staticmethod
    def create_id(workspace: str, team: str) -> UUID:
        return team_calendar_id(workspace, team)

    @event("Created")
    def __init__(self, workspace: str, team: str) -> None:
        self.workspace = workspace
        self.team = team
        self.ranges: dict[UUID, list[str]] = {}  # sprint → [start, end], ISO dates, inclusive

    def schedule(self, sprint_id: UUID, start: str, end: str) -> None:
        """Hold [start, end] for the sprint, unless another sprint of the team holds a day of it."""
        for other, (other_start, other_end) in self.ranges.items():
            if start <= other_end and other_start <= end:  # ISO dates order as text
                raise ValidationError(
                    "startDate",
                    f"the team's sprint {other} runs {other_start} to {other_end}; "
                    f"{start} to {end} overlaps it",
                )
        self._scheduled(sprint_id=sprint_id, start=start, end=end)

    @event("SprintScheduled")
    def _scheduled(self, sprint_id: UUID, start: str, end: str) -> None:
        self.ranges[sprint_id] = [start, end]
