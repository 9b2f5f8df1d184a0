"""What the diagnostics and the decision guide are computed from, read from the read models in
one snapshot (the loose-tagging figures come from the outcome audit, api.reviews.facts, which
takes its own): the scope's closed sprints, its attainment history, its active items, the
stakeholder segments seen in exercises, its tagging and its discovery objectives.

The scope is a team's (or, team "", the whole workspace's) sprints, objectives and items.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from okrank.api.database.read_pool import ReadPool
from okrank.api.database.snapshot import snapshot
from okrank.api.reviews.facts import KEY_RESULTS, PURSUED, outcome_audit, series
from okrank.domain.coverage.effort import estimated_effort
from okrank.domain.okrs.cycles import cycle_bounds, has_ended
from okrank.domain.okrs.grading import attainment
from okrank.domain.reviews import diagnostics
from okrank.domain.reviews.diagnostics import CycleAttainment, Diagnostic, SprintDelivery
from okrank.domain.reviews.outcomes import audit_outcomes

RECENT_CLOSED_SPRINTS = """
    SELECT s.id, s.end_date, count(i.item_id) AS planned,
        count(i.item_id) FILTER (WHERE i.outcome = 'DONE') AS done
    FROM sprints s LEFT JOIN sprint_items i ON i.sprint_id = s.id
    WHERE s.workspace = $1 AND ($2 = '' OR s.team = $2) AND s.status = 'CLOSED'
        AND s.end_date < $3::date
    GROUP BY s.id ORDER BY s.end_date DESC, s.seq DESC LIMIT $4"""
DONE_IN_SPRINTS = """
    SELECT i.sprint_id, b.effort, b.job_size
    FROM sprint_items i JOIN backlog_items b ON b.id = i.item_id
    WHERE i.sprint_id = ANY($1::uuid[]) AND i.outcome = 'DONE'"""
PURSUED_OBJECTIVES = """
    SELECT id, cycle FROM objectives
    WHERE workspace = $1 AND ($2 = '' OR team = $2) AND status = ANY($3::text[])
    ORDER BY seq"""
# Active in the cycle: created before it ended, not archived, not done before it began.
ACTIVE_ITEMS = """
    SELECT count(*) FROM backlog_items
    WHERE workspace = $1 AND ($2 = '' OR team = $2) AND created_at < $4
        AND status <> 'ARCHIVED' AND (status <> 'DONE' OR done_at >= $3)"""
SEGMENTS = """
    SELECT DISTINCT segment FROM exercise_participants
    WHERE workspace = $1 AND segment <> '' ORDER BY segment"""
TAGGED_ITEMS = """
    SELECT count(DISTINCT t.item_id) FROM tag_events t JOIN backlog_items b ON b.id = t.item_id
    WHERE t.workspace = $1 AND ($2 = '' OR b.team = $2) AND t.action = 'TAGGED' AND t.at < $3"""
DISCOVERY_OBJECTIVES = """
    SELECT count(*) FROM objectives o JOIN discovery_objectives d ON d.objective_id = o.id
    WHERE o.workspace = $1 AND ($2 = '' OR o.team = $2) AND o.cycle = $3
        AND o.status <> 'ARCHIVED'"""


@dataclass(frozen=True)
class ScopeFacts:
    """The scope's facts for a cycle beyond the diagnostics."""

    active_items: int
    segments: tuple[str, ...]
    tagged_items: int
    discovery_objectives: int


@dataclass(frozen=True)
class Diagnostics:
    velocity_without_attainment: Diagnostic
    loose_tagging: Diagnostic
    scope: ScopeFacts


async def diagnostics_of(
    pool: ReadPool, workspace: str, team: str, cycle: str, lag_days: int, now: datetime
) -> Diagnostics:
    start, end = cycle_bounds(cycle)
    async with snapshot(pool) as conn:
        sprints = await sprint_deliveries(conn, workspace, team, end)
        history = await attainment_history(conn, workspace, team, end, now)
        scope = ScopeFacts(
            active_items=await conn.fetchval(ACTIVE_ITEMS, workspace, team, start, end),
            segments=tuple(r["segment"] for r in await conn.fetch(SEGMENTS, workspace)),
            tagged_items=await conn.fetchval(TAGGED_ITEMS, workspace, team, end),
            discovery_objectives=await conn.fetchval(DISCOVERY_OBJECTIVES, workspace, team, cycle),
        )
    audit = await outcome_audit(pool, workspace, team, cycle, lag_days, now)
    return Diagnostics(
        diagnostics.velocity_without_attainment(sprints, history),
        diagnostics.loose_tagging(audit),
        scope,
    )


async def sprint_deliveries(
    conn: Any, workspace: str, team: str, cycle_end: datetime
) -> list[SprintDelivery]:
    """The scope's last closed sprints that ended before the cycle's end."""
    rows = await conn.fetch(
        RECENT_CLOSED_SPRINTS, workspace, team, cycle_end.date(), diagnostics.RECENT_SPRINTS
    )
    effort: dict[UUID, float] = defaultdict(float)
    for r in await conn.fetch(DONE_IN_SPRINTS, [r["id"] for r in rows]):
        effort[r["sprint_id"]] += estimated_effort(r["effort"], r["job_size"]).value or 0.0
    return [
        SprintDelivery(r["end_date"].isoformat(), r["planned"], r["done"], effort[r["id"]])
        for r in rows
    ]


async def attainment_history(
    conn: Any, workspace: str, team: str, cycle_end: datetime, now: datetime
) -> list[CycleAttainment]:
    """Each ended cycle of the scope's pursued objectives up to `cycle_end`, oldest first, with
    its attainment: objectives graded with check-ins as of the cycle's end (the audit's rule)."""
    objectives_of: dict[str, list[UUID]] = defaultdict(list)
    for r in await conn.fetch(PURSUED_OBJECTIVES, workspace, team, PURSUED):
        if has_ended(r["cycle"], now) and cycle_bounds(r["cycle"])[1] <= cycle_end:
            objectives_of[r["cycle"]].append(r["id"])
    ids = [i for ids in objectives_of.values() for i in ids]
    key_results = [series(r) for r in await conn.fetch(KEY_RESULTS, workspace, ids)]
    history = []
    for cycle in sorted(objectives_of, key=lambda c: (cycle_bounds(c)[1], cycle_bounds(c)[0])):
        audit = audit_outcomes(
            [], key_results, objectives_of[cycle], cycle_bounds(cycle)[1], timedelta(0), now
        )
        history.append(CycleAttainment(cycle, attainment(a.grade for a in audit.objectives)))
    return history
