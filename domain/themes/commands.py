"""Commands on themes, and on what belongs to a theme (objectives, backlog items)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okrank.domain.commands import ChangeCommand, Command
from okrank.domain.themes.theme import Horizon


@dataclass(frozen=True)
class CreateTheme(Command):
    name: str
    horizon: Horizon
    description: str | None = None
    team: str | None = None  # None or '': a theme every team's roadmap shows


@dataclass(frozen=True)
class ThemeCommand(ChangeCommand):
    theme_id: UUID


@dataclass(frozen=True)
class MoveTheme(ThemeCommand):
    horizon: Horizon
    reason: str


@dataclass(frozen=True)
class RenameTheme(ThemeCommand):
    name: str
    description: str | None = None  # None keeps it


@dataclass(frozen=True)
class SetObjectiveTheme(ChangeCommand):
    """`expected_version` is the objective's."""

    objective_id: UUID
    theme_id: UUID | None  # None takes it out of its theme


@dataclass(frozen=True)
class SetBacklogItemTheme(ChangeCommand):
    """`expected_version` is the item's."""

    item_id: UUID
    theme_id: UUID | None


@dataclass(frozen=True)
class MarkDiscoveryObjective(ChangeCommand):
    """A discovery objective (key results about learning) prepares a theme; `expected_version`
    is the objective's."""

    objective_id: UUID
    prepares_theme_id: UUID
