"""Zombie features: the one rule of which open items have lingered too long without a tag to an
active objective (seed okr-prioritisation-guide: "items that have survived multiple sprints
with no strategic connection").

An item survives a sprint of its team when it already existed when the sprint started and is
still open (neither DONE nor ARCHIVED) after the sprint closed; it survives a cycle (a calendar
quarter, UTC) when it existed at the quarter's start and is still open after its end. It is a
zombie when it has no tag to an ACTIVE objective and has survived at least the workspace's
number of sprints or of cycles (Workspace.ZombieThresholdsSet; defaults below)."""

from __future__ import annotations

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

    sprint_id: object
    started_at: datetime
    closed_at: datetime


def quarter_start(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    return datetime(moment.year, 3 * ((moment.month - 1) // 3) + 1, 1, tzinfo=UTC)


def cycles_survived(created_at: datetime, now: datetime) -> int:
    """Whole calendar quarters between the item's creation and now."""
    first = quarter_start(created_at)
    if first < created_at:  # created after its quarter began: that quarter does not count
        first = datetime(first.year + first.month // 10, (first.month + 2) % 12 + 1, 1, tzinfo=UTC)
    current = quarter_start(now)  # the quarter still running does not count either
    return max(0, (current.year - first.year) * 4 + (current.month - first.month) // 3)


def sprints_survived(created_at: datetime, sprints: Iterable[SprintSpan]) -> list[SprintSpan]:
    """The team's closed sprints the (still open) item existed through, oldest first."""
    return sorted((s for s in sprints if s.started_at >= created_at), key=lambda s: s.started_at)


def is_zombie(
    tagged_to_active: bool, survived_sprints: int, survived_cycles: int, t: ZombieThresholds
) -> bool:
    return not tagged_to_active and (survived_sprints >= t.sprints or survived_cycles >= t.cycles)
