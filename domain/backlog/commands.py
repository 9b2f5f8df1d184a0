"""Commands on backlog items: create, edit, score, tag, justify, triage, move, import."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from okrank.domain.backlog.item import ItemStatus, TriageDecision
from okrank.domain.commands import ChangeCommand, Command
from okrank.domain.rankings.scoring import RiceInputs, Tier, WsjfInputs


@dataclass(frozen=True)
class CreateBacklogItem(Command):
    title: str
    description: str | None = None
    kind: str = "FEATURE"
    team: str | None = None  # the team whose backlog it is in


@dataclass(frozen=True)
class ItemCommand(ChangeCommand):
    """A command on one existing item."""

    item_id: UUID


@dataclass(frozen=True)
class UpdateBacklogItem(ItemCommand):
    """Fields left None stay as they are."""

    title: str | None = None
    description: str | None = None
    kind: str | None = None
    team: str | None = None  # '' takes the item out of any team's backlog


@dataclass(frozen=True)
class ScoreBacklogItem(ItemCommand):
    rice: RiceInputs | None = None
    wsjf: WsjfInputs | None = None


@dataclass(frozen=True)
class TagBacklogItem(ItemCommand):
    objective_id: UUID
    tier: Tier
    reason: str
    key_result_id: UUID | None = None


@dataclass(frozen=True)
class RetagBacklogItem(TagBacklogItem):
    """Change the tier or key result of an existing tag."""


@dataclass(frozen=True)
class UntagBacklogItem(ItemCommand):
    objective_id: UUID
    reason: str


@dataclass(frozen=True)
class JustifyNonStrategic(ItemCommand):
    justification: str  # '' withdraws it


@dataclass(frozen=True)
class TriageBacklogItem(ItemCommand):
    decision: TriageDecision
    reason: str = ""
    cycle: str | None = None  # the cycle triaged for; None: the current quarter (UTC)


@dataclass(frozen=True)
class ChangeBacklogItemStatus(ItemCommand):
    status: ItemStatus
    reason: str = ""


@dataclass(frozen=True)
class ImportBacklogItems(Command):
    """A tracker's CSV export (domain.backlog.tracker_import). `objective_ref` reads an
    objective cell (the caller's ID format); `progress` hears (rows done, rows in the file)."""

    csv_text: str
    mapping: Mapping[str, str] | None = None
    objective_ref: Callable[[str], UUID | None] | None = field(default=None, compare=False)
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)
