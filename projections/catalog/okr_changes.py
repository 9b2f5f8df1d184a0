"""OKR changes: the outbox of what users react to in the OKR loop (a key result checked in, an
objective's grade moved, a sprint closed), written by the catalog view in the transaction that
applies the event.

Like the ranking-change outbox (okrank.projections.rankings.ranking_changes), each change is
keyed by (event position, ordinal), the `okrChanged` subscription's cursor, and the view
NOTIFYs OKR_CHANNEL with it. A rebuild keeps the outbox (it records what was published when the
events were new) and writes nothing to it. Its reads are in
okrank.projections.rankings.change_stream (OKR_CHANGES).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from okrank.projections.catalog.batch import CatalogBatch

OKR_CHANNEL = "okrank_okr"
TABLE = """
    CREATE TABLE IF NOT EXISTS okr_changes (
        position bigint NOT NULL, ordinal int NOT NULL, workspace text NOT NULL,
        kind text NOT NULL, objective_id uuid NOT NULL, key_result_id uuid,
        value float8, confidence float8, old_grade float8, new_grade float8,
        actor text NOT NULL, at timestamptz NOT NULL,
        PRIMARY KEY (position, ordinal))"""
INDEXES = [
    "CREATE INDEX IF NOT EXISTS okr_changes_ws ON okr_changes (workspace, position, ordinal)",
    # A sprint closing (SPRINT_CLOSED; null for the other kinds): its objective_id and
    # key_result_id are the sprint goal's.
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS sprint_id uuid",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS team text",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS cycle text",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS done_item_ids uuid[]",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS carried_over_item_ids uuid[]",
]
COLUMNS = (
    "position, ordinal, workspace, kind, objective_id, key_result_id, value, confidence,"
    " old_grade, new_grade, actor, at, sprint_id, team, cycle, done_item_ids,"
    " carried_over_item_ids"
)


class OkrChangeKind(StrEnum):
    KEY_RESULT_CHECKED_IN = "KEY_RESULT_CHECKED_IN"
    GRADE_CHANGED = "GRADE_CHANGED"
    SPRINT_CLOSED = "SPRINT_CLOSED"


@dataclass(frozen=True)
class SprintClosed:
    """What a SPRINT_CLOSED change carries beyond the goal's objective and key result."""

    sprint_id: UUID
    team: str
    cycle: str
    done: list[UUID]
    carried_over: list[UUID]


@dataclass(frozen=True)
class OkrChange:
    kind: OkrChangeKind
    objective_id: UUID
    key_result_id: UUID | None
    value: float | None
    confidence: float | None
    old_grade: float | None
    new_grade: float | None
    closed: SprintClosed | None = None  # SPRINT_CLOSED only


def record(b: CatalogBatch, workspace: str, e: Any, pos: int, changes: list[OkrChange]) -> None:
    """Write one event's changes (ordinals in list order) and NOTIFY; nothing while rebuilding."""
    if b.rebuilding or not changes:
        return
    for ordinal, c in enumerate(changes):
        sc = c.closed
        b.curs.execute(
            f"INSERT INTO okr_changes ({COLUMNS}) VALUES ({', '.join(['%s'] * 17)})",
            (
                pos,
                ordinal,
                workspace,
                c.kind.value,
                c.objective_id,
                c.key_result_id,
                c.value,
                c.confidence,
                c.old_grade,
                c.new_grade,
                e.actor,
                e.timestamp,
                None if sc is None else sc.sprint_id,
                None if sc is None else sc.team,
                None if sc is None else sc.cycle,
                None if sc is None else sc.done,
                None if sc is None else sc.carried_over,
            ),
        )
    b.curs.execute("SELECT pg_notify(%s, %s)", (OKR_CHANNEL, str(pos)))
