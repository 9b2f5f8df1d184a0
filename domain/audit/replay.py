"""Replay: aggregates as they were at a moment of the log, folded from their stored events by
the aggregates' own code (each event's `mutate`, as the library's repository does).

Pure: the caller reads the events (okrank.api.asof.store) and hands them over in log order;
each aggregate keeps the events it was folded from, since a read model's row says more than the
aggregate's state (who created it, who tagged it when and why)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent, Snapshot

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.event_names import STORED_NAMES
from okrank.domain.okrs.objective import Objective
from okrank.domain.workspaces.workspace import Workspace

# The aggregates whose state as of a moment is asked for (objectives, items, the multipliers).
# A new aggregate that changes one of these answers is one more line; a new event of one of
# them needs none (its class is found below, and its `mutate` is the aggregate's own).
REPLAYED: tuple[type, ...] = (Workspace, Objective, BacklogItem)


def replayed_topics(aggregates: tuple[type, ...] = REPLAYED) -> list[str]:
    """The stored names of every event class of `aggregates`: what a replay reads."""
    return sorted(
        name
        for name, cls in STORED_NAMES.items()
        if issubclass(cls, DomainEvent)
        and not issubclass(cls, Snapshot)
        and any(vars(a).get(cls.__name__) is cls for a in aggregates)
    )


@dataclass
class Replayed:
    """One aggregate folded from its events up to a moment."""

    aggregate: Any
    events: list[Any] = field(default_factory=list)  # the events folded, oldest first
    positions: list[int] = field(default_factory=list)  # each one's position in the log

    @property
    def created(self) -> Any:
        return self.events[0]

    @property
    def position(self) -> int:
        """The position of its Created event: the read models' `seq` (creation order)."""
        return self.positions[0]

    @property
    def last(self) -> Any:
        return self.events[-1]


def replay(
    events: Iterable[tuple[int, Any]], into: dict[UUID, Replayed] | None = None
) -> dict[UUID, Replayed]:
    """Each aggregate of `events` ((position, event) pairs in log order), as the events leave
    it; `into` holds what earlier events (of a longer log read in parts) left. An aggregate's
    first event must be its Created event (the library refuses a gap)."""
    out: dict[UUID, Replayed] = {} if into is None else into
    for position, event in events:
        found = out.get(event.originator_id)
        if found is None:
            found = out[event.originator_id] = Replayed(event.mutate(None))
        else:
            found.aggregate = event.mutate(found.aggregate)
        found.events.append(event)
        found.positions.append(position)
    return out
