"""OKR changes: the outbox of what users react to in the OKR loop (a key result checked in, an
objective's grade moved, a sprint closed, a quarterly review's steps), written by the catalog
view in the transaction that applies the event.

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
    # A quarterly review's changes (REVIEW_*) name the review, not an objective: objective_id
    # null (they reach the workspace's subscribers); item_id for a verdict or a re-grooming.
    "ALTER TABLE okr_changes ALTER COLUMN objective_id DROP NOT NULL",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS review_id uuid",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS item_id uuid",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS verdict text",
    "ALTER TABLE okr_changes ADD COLUMN IF NOT EXISTS regroom_action text",
]
COLUMNS = (
    "position, ordinal, workspace, kind, objective_id, key_result_id, value, confidence,"
    " old_grade, new_grade, actor, at, sprint_id, team, cycle, done_item_ids,"
    " carried_over_item_ids, review_id, item_id, verdict, regroom_action"
)


class OkrChangeKind(StrEnum):
    KEY_RESULT_CHECKED_IN = "KEY_RESULT_CHECKED_IN"
    GRADE_CHANGED = "GRADE_CHANGED"
    SPRINT_CLOSED = "SPRINT_CLOSED"
    REVIEW_STARTED = "REVIEW_STARTED"
    REVIEW_AUDITED = "REVIEW_AUDITED"
    REVIEW_VERDICT_RECORDED = "REVIEW_VERDICT_RECORDED"
    REVIEW_BACKLOG_RESET = "REVIEW_BACKLOG_RESET"
    REVIEW_ITEM_REGROOMED = "REVIEW_ITEM_REGROOMED"
    REVIEW_COMPLETED = "REVIEW_COMPLETED"


@dataclass(frozen=True)
class SprintClosed:
    """What a SPRINT_CLOSED change carries beyond the goal's objective and key result."""

    sprint_id: UUID
    team: str
    cycle: str
    done: list[UUID]
    carried_over: list[UUID]


@dataclass(frozen=True)
class ReviewChanged:
    """What a REVIEW_* change carries: the review, its scope, and the item concerned."""

    review_id: UUID
    team: str
    cycle: str
    item_id: UUID | None = None  # REVIEW_VERDICT_RECORDED, REVIEW_ITEM_REGROOMED
    verdict: str | None = None
    regroom_action: str | None = None


@dataclass(frozen=True)
class OkrChange:
    kind: OkrChangeKind
    objective_id: UUID | None  # None: a review's change
    key_result_id: UUID | None
    value: float | None
    confidence: float | None
    old_grade: float | None
    new_grade: float | None
    closed: SprintClosed | None = None  # SPRINT_CLOSED only
    review: ReviewChanged | None = None  # REVIEW_* only


def record(b: CatalogBatch, workspace: str, e: Any, pos: int, changes: list[OkrChange]) -> None:
    """Write one event's changes (ordinals in list order) and NOTIFY; nothing while rebuilding."""
    if b.rebuilding or not changes:
        return
    for ordinal, c in enumerate(changes):
        sc, rc = c.closed, c.review
        team, cycle = (sc.team, sc.cycle) if sc else (rc.team, rc.cycle) if rc else (None, None)
        b.curs.execute(
            f"INSERT INTO okr_changes ({COLUMNS}) VALUES ({', '.join(['%s'] * 21)})",
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
                team,
                cycle,
                None if sc is None else sc.done,
                None if sc is None else sc.carried_over,
                None if rc is None else rc.review_id,
                None if rc is None else rc.item_id,
                None if rc is None else rc.verdict,
                None if rc is None else rc.regroom_action,
            ),
        )
    b.curs.execute("SELECT pg_notify(%s, %s)", (OKR_CHANNEL, str(pos)))
