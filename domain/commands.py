"""Commands as data: what every command carries, what it answers, and what its handler may use.

A command is a frozen dataclass (one module of them per concept: `domain/<concept>/commands.py`),
built by the caller with every reference already parsed; `OkrankApplication.execute(actor,
command)` hands it to its concept's handler (`domain/<concept>/handlers.py`), which loads, changes
and saves through the `Aggregates` it is given. Handlers know the application only by that
protocol, so the concepts never import the application.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Actor:
    """Who issues a command, and in which workspace."""

    workspace: str
    subject: str


@dataclass(frozen=True)
class CommandResult:
    """What a command changed: enough for the caller to wait for the read models."""

    aggregate_id: UUID
    version: int
    position: int | None  # notification id of the last event recorded, None if nothing changed
    topics: frozenset[str]


def result_of(aggregate: Aggregate, recordings: list[Any]) -> CommandResult:
    """What saving `aggregate` (with others, maybe: `recordings` are all the save's) changed."""
    return CommandResult(
        aggregate_id=aggregate.id,
        version=aggregate.version,
        position=max((r.notification.id for r in recordings), default=None),
        topics=frozenset(get_topic(type(r.domain_event)) for r in recordings),
    )


@dataclass(frozen=True)
class Command:
    """A command that creates: nothing to compare a version with."""


@dataclass(frozen=True)
class ChangeCommand(Command):
    """A command that changes an existing aggregate; `expected_version` (keyword only, so it
    follows each command's own fields) makes it fail with a ConflictError unless the aggregate
    is at that version."""

    expected_version: int | None = field(default=None, kw_only=True)


class Aggregates(Protocol):
    """What a handler may do with the event store (the application implements it)."""

    def load(self, cls: type[A], ident: UUID, actor: Actor, kind: str) -> A:
        """The aggregate of the actor's workspace, or NotFoundError."""

    def change(
        self,
        cls: type[A],
        ident: UUID,
        actor: Actor,
        kind: str,
        expected_version: int | None,
        mutate: Callable[[A], Any],
    ) -> CommandResult:
        """Load, check the version, mutate and save (retrying a concurrent write)."""

    def save_new(self, aggregate: Aggregate) -> CommandResult:
        """Save an aggregate just created (or changed without `change`)."""

    def save_together(self, *aggregates: Aggregate) -> list[Any]:
        """Save every aggregate in one transaction; the recordings (IntegrityError on a race)."""

    def find(self, ident: UUID) -> Aggregate | None:
        """Any aggregate by id, whatever its workspace; None if there is none."""

    def find_many(self, idents: Sequence[UUID]) -> dict[UUID, Aggregate]:
        """`find` of many ids at once (thousands: one read where the store allows), by id;
        those with no aggregate are left out."""


Handler = Callable[[Aggregates, Actor, Any], Any]
Handlers = Mapping[type[Command], Handler]
Change = Callable[[Aggregates, Actor, Any, Callable[[Any], Any]], CommandResult]


def changer(cls: type[Aggregate], target: Callable[[Any], UUID]) -> Change:
    """How a concept's handlers change the aggregate a command names (`target`): load it (a
    missing one is NotFoundError of `cls`'s name), check the command's expected version,
    mutate, save."""

    def change(
        store: Aggregates, actor: Actor, command: ChangeCommand, mutate: Callable[[Any], Any]
    ) -> CommandResult:
        ident = target(command)
        return store.change(cls, ident, actor, cls.__name__, command.expected_version, mutate)

    return change
