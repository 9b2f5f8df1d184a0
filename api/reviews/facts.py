"""What the outcome audit is computed from, read from the read models in one snapshot: the
items of the review's scope done in the cycle (backlog_items.done_at), each one's tags as they
stood when it was done (the tag history), and the check-ins of every key result concerned.

The scope is a team's items, or the whole workspace's (team ""). The objectives whose
attainment is reported are the scope's objectives of the cycle that are ACTIVE or CLOSED (a
DRAFT one was never pursued, an ARCHIVED one was withdrawn).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from okrank.api.database.read_pool import ReadPool
from okrank.api.database.snapshot import snapshot
from okrank.domain.coverage.effort import estimated_effort
from okrank.domain.okrs.cycles import cycle_bounds
from okrank.domain.okrs.objective import ObjectiveStatus
from okrank.domain.reviews.outcomes import (
    DoneItem,
    KeyResultSeries,
    OutcomeAudit,
    TagAtCompletion,
    audit_outcomes,
)

PURSUED = [ObjectiveStatus.ACTIVE.value, ObjectiveStatus.CLOSED.value]

DONE_ITEMS = """
    SELECT id, title, done_at, effort, job_size FROM backlog_items
    WHERE workspace = $1 AND ($2 = '' OR team = $2) AND done_at >= $3 AND done_at < $4
    ORDER BY done_at, id"""
# Each done item's last tag event per objective at or before its completion: a tag stands when
# that event tagged or retagged (an untag removed it).
TAGS_AT_COMPLETION = """
    SELECT item_id, objective_id, tier, key_result_id FROM (
        SELECT DISTINCT ON (t.item_id, t.objective_id) t.item_id, t.objective_id, t.action,
            t.tier, t.key_result_id
        FROM tag_events t JOIN unnest($2::uuid[], $3::timestamptz[]) AS d(item_id, done_at)
            ON d.item_id = t.item_id
        WHERE t.workspace = $1 AND t.objective_id IS NOT NULL AND t.at <= d.done_at
        ORDER BY t.item_id, t.objective_id, t.position DESC) last
    WHERE action IN ('TAGGED', 'RETAGGED')"""
SCOPE_OBJECTIVES = """
    SELECT id FROM objectives
    WHERE workspace = $1 AND ($2 = '' OR team = $2) AND cycle = $3 AND status = ANY($4::text[])
    ORDER BY seq"""
KEY_RESULTS = """
    SELECT k.id, k.objective_id, k.baseline, k.target,
        COALESCE(array_agg(c.checked_in_at ORDER BY c.position)
            FILTER (WHERE c.id IS NOT NULL), '{}') AS moments,
        COALESCE(array_agg(c.value ORDER BY c.position)
            FILTER (WHERE c.id IS NOT NULL), '{}') AS values
    FROM key_results k LEFT JOIN key_result_check_ins c ON c.key_result_id = k.id
    WHERE k.workspace = $1 AND k.objective_id = ANY($2::uuid[])
    GROUP BY k.id ORDER BY k.objective_id, k.seq"""


async def outcome_audit(
    pool: ReadPool, workspace: str, team: str, cycle: str, lag_days: int, taken_at: datetime
) -> OutcomeAudit:
    """The scope's outcome audit of `cycle` as the read models stand (one snapshot)."""
    start, end = cycle_bounds(cycle)
    async with snapshot(pool) as conn:
        done = await conn.fetch(DONE_ITEMS, workspace, team, start, end)
        tags = await conn.fetch(
            TAGS_AT_COMPLETION,
            workspace,
            [r["id"] for r in done],
            [r["done_at"] for r in done],
        )
        objectives = [
            r["id"] for r in await conn.fetch(SCOPE_OBJECTIVES, workspace, team, cycle, PURSUED)
        ]
        concerned = list(dict.fromkeys([*objectives, *(t["objective_id"] for t in tags)]))
        key_results = await conn.fetch(KEY_RESULTS, workspace, concerned)
    return audit_outcomes(
        items=done_items(done, tags),
        key_results=[series(r) for r in key_results],
        objective_ids=objectives,
        cycle_end=end,
        lag=timedelta(days=lag_days),
        taken_at=taken_at,
    )


def done_items(done: list[Any], tags: list[Any]) -> list[DoneItem]:
    tags_of: dict[UUID, list[TagAtCompletion]] = defaultdict(list)
    for t in tags:
        tags_of[t["item_id"]].append(
            TagAtCompletion(t["objective_id"], t["key_result_id"], t["tier"])
        )
    return [
        DoneItem(
            item_id=r["id"],
            title=r["title"],
            done_at=r["done_at"],
            effort=estimated_effort(r["effort"], r["job_size"]).value,
            tags=tuple(sorted(tags_of[r["id"]], key=lambda t: str(t.objective_id))),
        )
        for r in done
    ]


def series(row: Any) -> KeyResultSeries:
    return KeyResultSeries(
        key_result_id=row["id"],
        objective_id=row["objective_id"],
        baseline=row["baseline"],
        target=row["target"],
        check_ins=tuple(zip(row["moments"], row["values"], strict=True)),
    )
