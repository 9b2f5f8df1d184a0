"""Zombie features: the one rule of which open items have lingered too long without a tag to an
active objective (seed okr-prioritisation-guide: "items that have survived multiple sprints
with no strategic connection").

An item survives a sprint of its team when it already existed when the sprint started and is
still open (neither DONE nor ARCHIVED) after the sprint closed; it survives a cycle (a calendar
quarter, UTC) when it existed at the quarter's start and is still open after its end. It is a
zombie when it has no tag to an ACTIVE objective and has survived at least the workspace's
number of sprints or of cycles (Workspace.ZombieThresholdsSet; defaults below)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from okrank.domain.errors import ValidationError

DEFAULT_SPRINTS = 3
DEFAULT_CYCLES = 1
SPRINTS_MAX = 100
CYCLES_MAX = 20


@dataclass(frozen=True)
class ZombieThresholds:
    sprints: int = DEFAULT_SPRINTS
    cycles: int = DEFAULT_CYCLES


def validate_thresholds(thresholds: ZombieThresholds) -> ZombieThresholds:
    for name, value, high in (
        ("sprints", thresholds.sprints, SPRINTS_MAX),
        ("cycles", thresholds.cycles, CYCLES_MAX),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise ValidationError(name, f"{name} must be a whole number from 1 to {high}")
    return thresholds


@dataclass(frozen=True)
class SprintSpan:
    """A closed sprint as the rule sees it: when it started and when it closed."""

    sprint: object  # the caller's reference to it (an id, a row)
    started_at: datetime
    closed_at: datetime


def quarter_index(moment: datetime) -> int:
    """Quarters since year 0 (UTC): consecutive quarters have consecutive indices."""
    moment = moment.astimezone(UTC)
    return moment.year * 4 + (moment.month - 1) // 3


def first_whole_quarter(created_at: datetime) -> int:
    """The first quarter the item existed through from its start."""
    at = created_at.astimezone(UTC)
    began = (at.month - 1) % 3 == 0 and at.day == 1 and at.time() == datetime.min.time()
    return quarter_index(at) + (0 if began else 1)


def cycles_survived(created_at: datetime, now: datetime) -> int:
    """Whole calendar quarters between the item's creation and now (the quarter running now
    does not count)."""
    return max(0, quarter_index(now) - first_whole_quarter(created_at))


def sprints_survived(created_at: datetime, sprints: Iterable[SprintSpan]) -> list[SprintSpan]:
    """The team's closed sprints the (still open) item existed through, oldest first."""
    return ZombieRule(ZombieThresholds(), sprints, created_at).survived(created_at)[0]


class ZombieRule:
    """The rule over one team's closed sprints at one moment, for many items: the sprints are
    sorted once, each item then costs a binary search."""

    def __init__(
        self, thresholds: ZombieThresholds, closed_sprints: Iterable[SprintSpan], now: datetime
    ) -> None:
        self.thresholds = thresholds
        self.spans = sorted(closed_sprints, key=lambda s: s.started_at)
        self.starts = [s.started_at for s in self.spans]
        self.current_quarter = quarter_index(now)

    def survived(self, created_at: datetime) -> tuple[list[SprintSpan], int]:
        """(the sprints it survived, oldest first; the cycles it survived)."""
        sprints = self.spans[bisect_left(self.starts, created_at) :]
        return sprints, max(0, self.current_quarter - first_whole_quarter(created_at))

    def is_zombie(self, tagged_to_active: bool, sprints: int, cycles: int) -> bool:
        return is_zombie(tagged_to_active, sprints, cycles, self.thresholds)


def is_zombie(
    tagged_to_active: bool, survived_sprints: int, survived_cycles: int, t: ZombieThresholds
) -> bool:
    return not tagged_to_active and (survived_sprints >= t.sprints or survived_cycles >= t.cycles)
