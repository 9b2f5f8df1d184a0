"""A team's history written through the real application in-process, into the database a test
server serves: objectives with key results and check-ins, items tagged and done, closed
sprints, exercises with segments, discovery objectives. With tests/support/past.py each step
can be stamped with a moment in a cycle that has ended."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    ScoreBacklogItem,
    TagBacklogItem,
)
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.exercises.commands import CreateExercise, InviteParticipant
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CheckInKeyResult,
    CreateObjective,
)
from okrank.domain.rankings.scoring import RiceInputs, Tier
from okrank.domain.sprints.commands import CloseSprint, CreateSprint, PlanSprintItem, StartSprint
from okrank.domain.themes.commands import CreateTheme, MarkDiscoveryObjective
from okrank.domain.themes.theme import Horizon
from okrank.projections.engine.runner import event_store_env
from tests.support.past import events_stamped
from tests.support.read_models import wait_caught_up


class TeamHistory:
    """Commands of one member of `workspace` on `team`, executed in this process."""

    def __init__(self, app: OkrankApplication, workspace: str, team: str) -> None:
        self.app, self.team = app, team
        self.actor = Actor(workspace, "po")

    def run(self, command: object) -> UUID:
        return self.app.execute(self.actor, command).aggregate_id

    def objective(self, cycle: str, baseline: float = 0, target: float = 10) -> tuple[UUID, UUID]:
        """An ACTIVE objective of the team with one key result: (objective, key result)."""
        objective = self.run(CreateObjective(cycle, f"Objective {cycle}", team=self.team))
        self.run(AddKeyResult(objective, "metric", baseline, target))
        self.run(ActivateObjective(objective))
        return objective, self.app.repository.get(objective).key_results[0].id

    def check_in(self, objective: UUID, key_result: UUID, value: float) -> None:
        self.run(CheckInKeyResult(objective, key_result, value, 0.5))

    def items(self, count: int, effort: float | None = None) -> list[UUID]:
        made = []
        for n in range(count):
            item = self.run(CreateBacklogItem(f"Item {n}", team=self.team))
            if effort is not None:
                self.run(ScoreBacklogItem(item, rice=RiceInputs(10, 1, 1, effort)))
            made.append(item)
        return made

    def tag(self, item: UUID, objective: UUID, tier: Tier, key_result: UUID | None) -> None:
        self.run(TagBacklogItem(item, objective, tier, "serves it", key_result))

    def done(self, item: UUID) -> None:
        self.run(ChangeBacklogItemStatus(item, ItemStatus.DONE))

    def sprint(
        self, cycle: str, start: date, end: date, goal: tuple[UUID, UUID], items: list[UUID]
    ) -> UUID:
        """A sprint created, planned with `items` and started (close it with `close`)."""
        sprint = self.run(CreateSprint(self.team, cycle, start, end, "goal", *goal))
        for item in items:
            self.run(PlanSprintItem(sprint, item))
        self.run(StartSprint(sprint))
        return sprint

    def close(self, sprint: UUID) -> None:
        self.run(CloseSprint(sprint))

    def segments(self, objective: UUID, *segments: str) -> None:
        """An exercise on `objective` with one participant per segment."""
        exercise = self.run(CreateExercise(objective, "MAXDIFF", "Which first?"))
        for n, segment in enumerate(segments):
            self.run(InviteParticipant(exercise, f"person-{n}", segment))

    def discovery(self, objective: UUID) -> None:
        theme = self.run(CreateTheme("New market", Horizon.NEXT, team=self.team))
        self.run(MarkDiscoveryObjective(objective, theme))


@contextmanager
def team_history(database_url: str, workspace: str, team: str) -> Iterator[TeamHistory]:
    """A TeamHistory over the server's event store; on leaving, waits for its projections."""
    app = OkrankApplication(env=event_store_env(database_url))
    try:
        yield TeamHistory(app, workspace, team)
    finally:
        app.close()
    wait_caught_up(database_url)


def day(month: int, day_of_month: int) -> datetime:
    """Noon UTC of a day of 2026."""
    return datetime(2026, month, day_of_month, 12, tzinfo=UTC)


# The velocity-without-attainment workspace's figures, computed by hand: two closed sprints of
# 2026-Q3 with 4 of 4 and 4 of 5 planned items done (8 of 9), each item of RICE effort 2; the
# team's attainment is 0.3 in 2026-Q2 and 0.4 in 2026-Q3 (one key result 0 → 10 each).
SHIPPING_INTO_THE_WRONG_AREAS = {
    "recent closed sprints": 2,
    "items planned in them": 9,
    "items done in them": 8,
    "share of planned items done": 8 / 9,
    "items done per sprint": 4,
    "effort done per sprint": 8,
    "attainment of 2026-Q2": 0.3,
    "attainment of 2026-Q3": 0.4,
}


def shipping_into_the_wrong_areas(history: TeamHistory) -> None:
    """Strong velocity in 2026-Q3 while attainment stayed below 0.6 in 2026-Q2 and 2026-Q3; 16
    items active in 2026-Q3, every one tagged INDIRECT (nothing else of the guide matches)."""
    with events_stamped(day(4, 2)):
        q2 = history.objective("2026-Q2")
    with events_stamped(day(5, 1)):
        history.check_in(*q2, 3)
    with events_stamped(day(7, 2)):
        q3 = history.objective("2026-Q3")
        items = history.items(16, effort=2)
        for item in items:
            history.tag(item, q3[0], Tier.INDIRECT, q3[1])
    for (start, end), planned, done in [
        ((day(7, 6), day(7, 17)), items[:4], items[:4]),
        ((day(7, 20), day(7, 31)), items[4:9], items[4:8]),
    ]:
        with events_stamped(start):
            sprint = history.sprint("2026-Q3", start.date(), end.date(), q3, planned)
        with events_stamped(end):
            for item in done:
                history.done(item)
            history.close(sprint)
    with events_stamped(day(8, 15)):
        history.check_in(*q3, 4)
