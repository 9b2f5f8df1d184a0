"""The tag history view: every tag decision, append-only, for auditors.

One row per Tagged, Retagged, Untagged or JustifiedNonStrategic event, keyed by the event's
position in the application log, so history reads newest-first by a stable key.
"""

from __future__ import annotations

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


def _insert(curs: Cursor[Any], e: Any, pos: int, action: str, **cols: Any) -> None:
    curs.execute(
        "INSERT INTO tag_events (position, workspace, item_id, objective_id, action, tier,"
        " key_result_id, previous_tier, previous_key_result_id, reason, actor, at, item_version)"
        " SELECT %s, workspace, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s"
        " FROM tag_history_items WHERE item_id = %s",
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
            e.originator_id,
        ),
    )


def item_created(curs: Cursor[Any], e: BacklogItem.Created, pos: int) -> None:
    curs.execute("INSERT INTO tag_history_items VALUES (%s, %s)", (e.originator_id, e.workspace))


def tagged(curs: Cursor[Any], e: BacklogItem.Tagged, pos: int) -> None:
    _insert(
        curs,
        e,
        pos,
        "TAGGED",
        objective_id=e.objective_id,
        tier=e.tier,
        key_result_id=e.key_result_id,
        reason=e.reason,
    )


def retagged(curs: Cursor[Any], e: BacklogItem.Retagged, pos: int) -> None:
    _insert(
        curs,
        e,
        pos,
        "RETAGGED",
        objective_id=e.objective_id,
        tier=e.tier,
        key_result_id=e.key_result_id,
        previous_tier=e.previous_tier,
        previous_key_result_id=e.previous_key_result_id,
        reason=e.reason,
    )


def untagged(curs: Cursor[Any], e: BacklogItem.Untagged, pos: int) -> None:
    _insert(
        curs,
        e,
        pos,
        "UNTAGGED",
        objective_id=e.objective_id,
        previous_tier=e.previous_tier,
        previous_key_result_id=e.previous_key_result_id,
        reason=e.reason,
    )


def justified(curs: Cursor[Any], e: BacklogItem.JustifiedNonStrategic, pos: int) -> None:
    action = "JUSTIFIED" if e.justification else "JUSTIFICATION_WITHDRAWN"
    _insert(curs, e, pos, action, reason=e.justification)


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


class TagHistoryProjection(ViewProjection):
    name = "tag_history"
