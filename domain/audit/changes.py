"""One stored event read as a change: the one home of how the log is shown to people.

Entity histories (api.audit.history) and the audit export (projections.audit.export) both
decode a stored row with the application's mapper and show the same parts of it: the event's
name, actor, time, reason and its own fields (not the library's bookkeeping).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent

from okrank.domain.audit.chain import StoredEventRow

HIDDEN = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}
)
REASONS = ("reason", "justification")  # the fields that say why, by event


@dataclass(frozen=True)
class Change:
    event: str  # the event class's name: Created, Tagged, …
    aggregate_type: str  # the aggregate's class name: Objective, BacklogItem, …
    actor: str | None
    at: datetime
    reason: str | None
    values: dict[str, Any]  # the event's own fields, as decoded


def field_json(value: Any) -> str:
    """A field's value as JSON text (sets sorted, other unknown objects as their str)."""

    def plain(o: Any) -> Any:
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        return str(o)

    return orjson.dumps(value, default=plain, option=orjson.OPT_NON_STR_KEYS).decode()


def decode_change(mapper: Mapper[Any], row: StoredEventRow) -> Change:
    stored = StoredEvent(row.originator_id, row.originator_version, row.topic, row.state)
    event = mapper.to_domain_event(stored)
    values = {k: v for k, v in vars(event).items() if k not in HIDDEN}
    reason = next((values[k] for k in REASONS if isinstance(values.get(k), str)), None)
    return Change(
        event=type(event).__name__,
        aggregate_type=type(event).__qualname__.split(".")[0],
        actor=getattr(event, "actor", None),
        at=event.timestamp,
        reason=reason,
        values=values,
    )
