"""OKR changes: the outbox of what users react to in the OKR loop (a key result checked in, an
objective's grade moved), written by the catalog view in the transaction that applies the event.

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
]


class OkrChangeKind(StrEnum):
    KEY_RESULT_CHECKED_IN = "KEY_RESULT_CHECKED_IN"
    GRADE_CHANGED = "GRADE_CHANGED"


@dataclass(frozen=True)
class OkrChange:
    kind: OkrChangeKind
    objective_id: UUID
    key_result_id: UUID | None
    value: float | None
    confidence: float | None
    old_grade: float | None
    new_grade: float | None


def record(b: CatalogBatch, workspace: str, e: Any, pos: int, changes: list[OkrChange]) -> None:
    """Write one event's changes (ordinals in list order) and NOTIFY; nothing while rebuilding."""
    if b.rebuilding or not changes:
        return
    for ordinal, c in enumerate(changes):
        b.curs.execute(
            "INSERT INTO okr_changes VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
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
            ),
        )
    b.curs.execute("SELECT pg_notify(%s, %s)", (OKR_CHANNEL, str(pos)))
