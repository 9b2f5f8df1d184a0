"""The coverage read (asyncpg): a team's open items grouped by what decides their coverage
class, and their tags to the cycle's active objectives grouped by objective and tier, in one
statement (one round trip, one snapshot)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from okrank.domain.backlog.item import UNRANKED_STATUSES
from okrank.domain.coverage.shares import Estimates, ItemGroup, ObjectiveGroup
from okrank.domain.okrs.objective import ObjectiveStatus
from okrank.domain.rankings.scoring import Tier

# Items in these statuses have left the backlog: coverage counts the others ("open").
LEFT_THE_BACKLOG = sorted(UNRANKED_STATUSES)

# $1 workspace, $2 team, $3 cycle, $4 statuses that left the backlog, $5 ACTIVE.
# Rows with a NULL objective_id are item groups, the others objective groups; the team's own
# active objectives of the cycle come last with kind 'own' (listed even without items).
COVERAGE_SQL = """
WITH scope AS (
    SELECT i.id, i.justification <> '' AS justified, i.effort, i.job_size
    FROM backlog_items i
    WHERE i.workspace = $1 AND i.team = $2 AND NOT (i.status = ANY($4::text[]))
), cycle_objectives AS (
    SELECT o.id, o.team, o.seq FROM objectives o
    WHERE o.workspace = $1 AND o.cycle = $3 AND o.status = $5
), links AS (
    SELECT t.item_id, t.objective_id, t.tier
    FROM scope s JOIN item_tags t ON t.item_id = s.id
    JOIN cycle_objectives o ON o.id = t.objective_id
), strongest AS (
    SELECT item_id, bool_or(tier = 'DIRECT') AS direct, bool_or(tier = 'INDIRECT') AS indirect
    FROM links GROUP BY item_id
)
SELECT 'items' AS kind, NULL::uuid AS objective_id, NULL::bigint AS seq, NULL AS tier,
    coalesce(b.direct, false) AS direct, coalesce(b.indirect, false) AS indirect, s.justified,
    s.effort IS NOT NULL AS has_rice, s.job_size IS NOT NULL AS has_wsjf, count(*) AS items,
    coalesce(sum(s.effort), 0) AS rice_effort, coalesce(sum(s.job_size), 0)::float8 AS job_size
FROM scope s LEFT JOIN strongest b ON b.item_id = s.id
GROUP BY 5, 6, 7, 8, 9
UNION ALL
SELECT 'objective', l.objective_id, min(o.seq), l.tier, NULL, NULL, NULL,
    s.effort IS NOT NULL, s.job_size IS NOT NULL, count(*),
    coalesce(sum(s.effort), 0), coalesce(sum(s.job_size), 0)::float8
FROM links l JOIN scope s ON s.id = l.item_id JOIN cycle_objectives o ON o.id = l.objective_id
GROUP BY 2, 4, 8, 9
UNION ALL
SELECT 'own', o.id, o.seq, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0
FROM cycle_objectives o WHERE o.team = $2
"""


def _estimates(r: asyncpg.Record) -> Estimates:
    return Estimates(r["has_rice"], r["has_wsjf"], r["items"], r["rice_effort"], r["job_size"])


async def coverage_groups(
    pool: asyncpg.Pool, workspace: str, team: str, cycle: str
) -> tuple[list[ItemGroup], list[ObjectiveGroup], list[UUID]]:
    """(item groups, objective groups, the team's own active objectives of the cycle); the
    objectives in the order they were created."""
    rows = await pool.fetch(
        COVERAGE_SQL, workspace, team, cycle, LEFT_THE_BACKLOG, ObjectiveStatus.ACTIVE.value
    )
    items = [
        ItemGroup(r["direct"], r["indirect"], r["justified"], _estimates(r))
        for r in rows
        if r["kind"] == "items"
    ]
    objective_rows = sorted((r for r in rows if r["kind"] != "items"), key=lambda r: r["seq"])
    objectives = [
        ObjectiveGroup(r["objective_id"], Tier(r["tier"]), _estimates(r))
        for r in objective_rows
        if r["kind"] == "objective"
    ]
    order = list(dict.fromkeys(r["objective_id"] for r in objective_rows))
    return items, objectives, order
