"""The tag history view: every tag decision, append-only, for auditors.

One row per Tagged, Retagged, Untagged or JustifiedNonStrategic event, keyed by the event's
position in the application log, so history reads newest-first by a stable key. A batch's rows
are written together when it closes (one statement per table, not one per event).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from psycopg import Cursor

from okrank.domain.backlog.item import BacklogItem
from okrank.projections.engine.view import ReadModelView, ViewProjection

TABLES = {
    "tag_events": """
        CREATE TABLE IF NOT EXISTS tag_events (
            position bigint PRIMARY KEY, workspace text NOT NULL, item_id uuid NOT NULL,
            objective_id uuid, action text NOT NULL, tier text, key_result_id uuid,
            previous_tier text, previous_key_result_id uuid, reason text NOT NULL,
            actor text NOT NULL, at timestamptz NOT NULL, item_version int NOT NULL)""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS tag_events_ws ON tag_events (workspace, position DESC)",
    "CREATE INDEX IF NOT EXISTS tag_events_item ON tag_events (item_id, position DESC)",
    "CREATE INDEX IF NOT EXISTS tag_events_objective ON tag_events (objective_id, position DESC)",
    "CREATE INDEX IF NOT EXISTS tag_events_actor ON tag_events (workspace, actor, position DESC)",
]

# The item's workspace is not on tag events; remember it from the item's creation.
WORKSPACE_TABLE = """
    CREATE TABLE IF NOT EXISTS tag_history_items (item_id uuid PRIMARY KEY, workspace text NOT NULL)
"""


COLUMNS = (
    "position, item_id, objective_id, action, tier, key_result_id, previous_tier,"
    " previous_key_result_id, reason, actor, at, item_version"
)
# A batch's rows in one statement each (columns as arrays), in the events' order; the
# workspace joined from the item's creation (an event of an item never created adds no row).
INSERT_ITEMS = "INSERT INTO tag_history_items SELECT * FROM unnest(%b::uuid[], %b::text[])"
INSERT_EVENTS = (
    f"INSERT INTO tag_events (workspace, {COLUMNS}) SELECT i.workspace, {COLUMNS}"
    " FROM unnest(%b::bigint[], %b::uuid[], %b::uuid[], %b::text[], %b::text[], %b::uuid[],"
    " %b::text[], %b::uuid[], %b::text[], %b::text[], %b::timestamptz[], %b::int[])"
    f" WITH ORDINALITY AS e({COLUMNS}, n) JOIN tag_history_items i USING (item_id) ORDER BY e.n"
)


@dataclass
class TagBatch:
    """A batch's rows, written when it closes (append-only rows: nothing reads them before)."""

    curs: Cursor[Any]
    items: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)


def _insert(b: TagBatch, e: Any, pos: int, action: str, **cols: Any) -> None:
    b.events.append(
        (
            pos,
            e.originator_id,
            cols.get("objective_id"),
            action,
            cols.get("tier"),
            cols.get("key_result_id"),
            cols.get("previous_tier"),
            cols.get("previous_key_result_id"),
            cols["reason"],
            e.actor,
            e.timestamp,
            e.originator_version,
        )
    )


def item_created(b: TagBatch, e: BacklogItem.Created, pos: int) -> None:
    b.items.append((e.originator_id, e.workspace))


def _tag_change(action: str, *fields: str) -> Callable[[TagBatch, Any, int], None]:
    """The handler of a tag event: a row of `action` with the event's `fields` (the other
    columns empty) and its reason."""

    def handle(b: TagBatch, e: Any, pos: int) -> None:
        _insert(b, e, pos, action, reason=e.reason, **{name: getattr(e, name) for name in fields})

    return handle


_KEY_RESULT, _PREVIOUS = ("tier", "key_result_id"), ("previous_tier", "previous_key_result_id")
tagged = _tag_change("TAGGED", "objective_id", *_KEY_RESULT)
retagged = _tag_change("RETAGGED", "objective_id", *_KEY_RESULT, *_PREVIOUS)
untagged = _tag_change("UNTAGGED", "objective_id", *_PREVIOUS)


def justified(b: TagBatch, e: BacklogItem.JustifiedNonStrategic, pos: int) -> None:
    action = "JUSTIFIED" if e.justification else "JUSTIFICATION_WITHDRAWN"
    _insert(b, e, pos, action, reason=e.justification)


class TagHistoryView(ReadModelView):
    view_name = "tag_history"
    tables = {"tag_history_items": WORKSPACE_TABLE, **TABLES}
    indexes = INDEXES
    handlers = {
        BacklogItem.Created: item_created,
        BacklogItem.Tagged: tagged,
        BacklogItem.Retagged: retagged,
        BacklogItem.Untagged: untagged,
        BacklogItem.JustifiedNonStrategic: justified,
    }

    def open_batch(self, curs: Cursor[Any], rebuilding: bool) -> TagBatch:
        return TagBatch(curs)

    def close_batch(self, batch: TagBatch) -> None:
        if batch.items:
            batch.curs.execute(INSERT_ITEMS, _columns(batch.items), binary=True)
        if batch.events:
            batch.curs.execute(INSERT_EVENTS, _columns(batch.events), binary=True)


def _columns(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)]


class TagHistoryProjection(ViewProjection):
    name = "tag_history"
