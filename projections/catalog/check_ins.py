"""Catalog handlers of key-result check-ins: the check-in history, and the key result's latest
value, confidence and time kept on its row (so a page of key results stays one query); and the
workspace's check-in interval, after which a key result is reported stale."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid5

from okrank.domain.okrs.grading import grade, mean_grade
from okrank.domain.okrs.objective import Objective
from okrank.domain.workspaces.workspace import Workspace
from okrank.projections.catalog import okr_changes
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.okr_changes import OkrChange, OkrChangeKind

TABLES = {
    "key_result_check_ins": """
        CREATE TABLE IF NOT EXISTS key_result_check_ins (
            id uuid PRIMARY KEY, workspace text NOT NULL, objective_id uuid NOT NULL,
            key_result_id uuid NOT NULL, value float8 NOT NULL, confidence float8 NOT NULL,
            note text NOT NULL, checked_in_at timestamptz NOT NULL, checked_in_by text NOT NULL,
            position bigint NOT NULL)""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS check_ins_key_result"
    " ON key_result_check_ins (key_result_id, position)",
    "CREATE INDEX IF NOT EXISTS check_ins_time"
    " ON key_result_check_ins (workspace, key_result_id, checked_in_at)",
    # The latest check-in of each key result (all null until its first one).
    "ALTER TABLE key_results ADD COLUMN IF NOT EXISTS current_value float8",
    "ALTER TABLE key_results ADD COLUMN IF NOT EXISTS confidence float8",
    "ALTER TABLE key_results ADD COLUMN IF NOT EXISTS last_check_in_at timestamptz",
    # The workspace's own interval in days; null: the default (domain.okrs.hygiene).
    "ALTER TABLE workspaces ADD COLUMN IF NOT EXISTS check_in_interval_days int",
]


def check_in_id(objective_id: UUID, version: int) -> UUID:
    """A check-in's id, the same on every rebuild: one event per objective version."""
    return uuid5(objective_id, str(version))


def key_result_checked_in(b: CatalogBatch, e: Objective.KeyResultCheckedIn, pos: int) -> None:
    workspace = b.touch_objective(e)
    b.curs.execute(
        "INSERT INTO key_result_check_ins VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            check_in_id(e.originator_id, e.originator_version),
            workspace,
            e.originator_id,
            e.key_result_id,
            e.value,
            e.confidence,
            e.note,
            e.timestamp,
            e.actor,
            pos,
        ),
    )
    changes = [] if b.rebuilding else grade_changes(b, e)
    b.curs.execute(
        "UPDATE key_results SET current_value = %s, confidence = %s, last_check_in_at = %s"
        " WHERE id = %s",
        (e.value, e.confidence, e.timestamp, e.key_result_id),
    )
    okr_changes.record(b, workspace, e, pos, changes)


def grade_changes(b: CatalogBatch, e: Objective.KeyResultCheckedIn) -> list[OkrChange]:
    """The check-in with its key result's grade before and after, then the objective's grade
    change if it moved (read before the key result's row is updated)."""
    rows = b.curs.execute(
        "SELECT id, baseline, target, current_value FROM key_results WHERE objective_id = %s",
        (e.originator_id,),
    ).fetchall()
    before = {r["id"]: grade(r["baseline"], r["target"], r["current_value"]) for r in rows}
    after = dict(before)
    mine = next(r for r in rows if r["id"] == e.key_result_id)
    after[e.key_result_id] = grade(mine["baseline"], mine["target"], e.value)
    kr, ident = e.key_result_id, e.originator_id
    checked = OkrChange(
        OkrChangeKind.KEY_RESULT_CHECKED_IN,
        ident,
        kr,
        e.value,
        e.confidence,
        before[kr],
        after[kr],
    )
    old, new = mean_grade(list(before.values())), mean_grade(list(after.values()))
    if old == new:
        return [checked]
    moved = OkrChange(OkrChangeKind.GRADE_CHANGED, ident, kr, None, None, old, new)
    return [checked, moved]


def check_in_interval_set(b: CatalogBatch, e: Workspace.CheckInIntervalSet, pos: int) -> None:
    """The interval, and the workspace's version (every workspace command's expectedVersion);
    updated_at/by and reason stay those of the last recalibration."""
    b.curs.execute(
        "UPDATE workspaces SET check_in_interval_days = %s, version = %s WHERE id = %s",
        (e.days, e.originator_version, e.originator_id),
    )


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    Objective.KeyResultCheckedIn: key_result_checked_in,
    Workspace.CheckInIntervalSet: check_in_interval_set,
}
