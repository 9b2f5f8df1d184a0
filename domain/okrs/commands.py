"""Commands on objectives and their key results."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okrank.domain.commands import ChangeCommand, Command


@dataclass(frozen=True)
class CreateObjective(Command):
    cycle: str
    title: str
    description: str | None = None
    level: str = "TEAM"
    team: str | None = None
    parent_id: UUID | None = None


@dataclass(frozen=True)
class ObjectiveCommand(ChangeCommand):
    """A command on one existing objective."""

    objective_id: UUID


@dataclass(frozen=True)
class AddKeyResult(ObjectiveCommand):
    metric: str
    baseline: float
    target: float
    unit: str | None = None
    output_style: bool = False


@dataclass(frozen=True)
class ActivateObjective(ObjectiveCommand):
    pass


@dataclass(frozen=True)
class CloseObjective(ObjectiveCommand):
    pass


@dataclass(frozen=True)
class CheckInKeyResult(ObjectiveCommand):
    key_result_id: UUID
    value: float
    confidence: float
    note: str | None = None
