"""Catalog handler of key-result check-ins: the check-in history, and the key result's latest
value, confidence and time kept on its row (so a page of key results stays one query)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid5

from okrank.domain.okrs.objective import Objective
from okrank.projections.catalog.batch import CatalogBatch

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
]


def check_in_id(objective_id: UUID, version: int) -> UUID:
    """A check-in's id, the same on every rebuild: one event per objective version."""
    return uuid5(objective_id, str(version))


def key_result_checked_in(b: CatalogBatch, e: Objective.KeyResultCheckedIn, pos: int) -> None:
    row = b.curs.execute(
        "UPDATE objectives SET version = %s, updated_at = %s WHERE id = %s RETURNING workspace",
        (e.originator_version, e.timestamp, e.originator_id),
    ).fetchone()
    b.curs.execute(
        "INSERT INTO key_result_check_ins VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            check_in_id(e.originator_id, e.originator_version),
            row["workspace"],
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
    b.curs.execute(
        "UPDATE key_results SET current_value = %s, confidence = %s, last_check_in_at = %s"
        " WHERE id = %s",
        (e.value, e.confidence, e.timestamp, e.key_result_id),
    )


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    Objective.KeyResultCheckedIn: key_result_checked_in,
}
