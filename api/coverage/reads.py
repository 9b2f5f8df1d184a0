"""The coverage reads (asyncpg): items in scope grouped by what decides their coverage class,
and their tags to the cycle's active objectives grouped by objective and tier, in one statement
(one round trip, one snapshot). A team's open items: from the catalog's coverage tallies
(projections/catalog/coverage_tallies.py), a few dozen rows whatever the backlog's size. Each
sprint's planned items for the team's sprints of the cycle (grouped by sprint): scanned, a
sprint holds a sprint's worth of items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool
from okrank.domain.backlog.item import UNRANKED_STATUSES
from okrank.domain.coverage.shares import Estimates, ItemGroup, ObjectiveGroup
from okrank.domain.okrs.objective import ObjectiveStatus
from okrank.domain.rankings.scoring import TAG_TIERS, Tier

# Items in these statuses have left the backlog: a team's coverage counts the others ("open").
LEFT_THE_BACKLOG = sorted(UNRANKED_STATUSES)
ACTIVE = ObjectiveStatus.ACTIVE.value

# The items planned into each of the team's sprints of the cycle, whatever their status now
# (a sprint's done items are its output), grouped by sprint.
SPRINT_SCOPE = """
    SELECT p.sprint_id AS key, i.id, i.justification <> '' AS justified, i.effort, i.job_size
    FROM sprints sp JOIN sprint_items p ON p.sprint_id = sp.id
    JOIN backlog_items i ON i.id = p.item_id
    WHERE sp.workspace = $1 AND sp.team = $2 AND sp.cycle = $3"""

# The cycle's active objectives, as an array computed once per statement (an init plan): a
# filter, never a join the planner could reorder.
CYCLE_OBJECTIVES = """ARRAY(
    SELECT o.id FROM objectives o WHERE o.workspace = $1 AND o.cycle = $3 AND o.status = $4)"""
TIER_TAGGED = """s.id IN (SELECT t.item_id FROM item_tags t WHERE t.workspace = $1
    AND t.tier = '{tier}' AND t.objective_id = ANY({cycle_objectives}))"""

# $1 workspace, $2 team, $3 cycle, $4 ACTIVE (and more parameters the scope may use). kind
# 'items': the items in scope grouped by what decides their class (whether
# each has a DIRECT or an INDIRECT tag to an active objective of the cycle: probes of a hashed
# set each, no per-item grouping); 'objective': their tags to those objectives, grouped by
# objective and tier (items joined to their tags alone: a hash join, or primary-key probes
# where the planner has no statistics yet, as in a rebuilt catalog: linear in the items either
# way); 'own': the team's own active objectives of the cycle (listed even without items).
COVERAGE_SQL = """
SELECT 'items' AS kind, s.key, NULL::uuid AS objective_id, NULL::bigint AS seq, NULL AS tier,
    {direct} AS direct, {indirect} AS indirect,
    s.justified, s.effort IS NOT NULL AS has_rice, s.job_size IS NOT NULL AS has_wsjf,
    count(*) AS items, coalesce(sum(s.effort), 0) AS rice_effort,
    coalesce(sum(s.job_size), 0)::float8 AS job_size
FROM ({scope}) s
GROUP BY 2, 6, 7, 8, 9, 10
UNION ALL
SELECT 'objective', s.key, t.objective_id,
    (SELECT o.seq FROM objectives o WHERE o.id = t.objective_id), t.tier, NULL, NULL, NULL,
    s.effort IS NOT NULL, s.job_size IS NOT NULL, count(*),
    coalesce(sum(s.effort), 0), coalesce(sum(s.job_size), 0)::float8
FROM ({scope}) s JOIN item_tags t ON t.item_id = s.id
WHERE t.objective_id = ANY({cycle_objectives})
GROUP BY 2, 3, 5, 9, 10
UNION ALL
SELECT 'own', NULL, o.id, o.seq, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0
FROM objectives o WHERE o.workspace = $1 AND o.cycle = $3 AND o.status = $4 AND o.team = $2
"""


def coverage_sql(scope: str) -> str:
    """COVERAGE_SQL over `scope` (rows: key, id, justified, effort, job_size)."""
    direct, indirect = (
        TIER_TAGGED.format(tier=tier.value, cycle_objectives=CYCLE_OBJECTIVES) for tier in TAG_TIERS
    )
    return COVERAGE_SQL.format(
        scope=scope, direct=direct, indirect=indirect, cycle_objectives=CYCLE_OBJECTIVES
    )


SPRINT_COVERAGE = coverage_sql(SPRINT_SCOPE)


# COVERAGE_SQL's rows for a team's open items, from the tallies (the same $1–$4). The items no
# tag of the cycle reaches: all the team's open items (cycle '') minus the cycle's tagged rows,
# by justification and estimates; the sums are numeric there, exact to subtract.
TALLIED_COVERAGE = """
WITH classes AS (SELECT * FROM coverage_classes
    WHERE workspace = $1 AND team = $2 AND cycle IN ('', $3)),
untagged AS (
    SELECT a.justified, a.has_rice, a.has_wsjf,
        (a.items - coalesce(sum(t.items), 0))::bigint AS items,
        a.rice_effort - coalesce(sum(t.rice_effort), 0) AS rice_effort,
        a.job_size - coalesce(sum(t.job_size), 0) AS job_size
    FROM classes a LEFT JOIN classes t ON t.cycle = $3 AND t.justified = a.justified
        AND t.has_rice = a.has_rice AND t.has_wsjf = a.has_wsjf
    WHERE a.cycle = '' GROUP BY a.justified, a.has_rice, a.has_wsjf, a.items, a.rice_effort,
        a.job_size)
SELECT 'items' AS kind, NULL::uuid AS key, NULL::uuid AS objective_id, NULL::bigint AS seq,
    NULL AS tier, direct, indirect, justified, has_rice, has_wsjf, items,
    rice_effort::float8 AS rice_effort, job_size::float8 AS job_size
FROM classes WHERE cycle = $3 AND items > 0
UNION ALL
SELECT 'items', NULL, NULL, NULL, NULL, false, false, justified, has_rice, has_wsjf, items,
    rice_effort::float8, job_size::float8
FROM untagged WHERE items > 0
UNION ALL
SELECT 'objective', NULL, c.objective_id, o.seq, c.tier, NULL, NULL, NULL, c.has_rice,
    c.has_wsjf, c.items, c.rice_effort::float8, c.job_size::float8
FROM coverage_objectives c JOIN objectives o ON o.id = c.objective_id
WHERE c.workspace = $1 AND c.team = $2 AND c.items > 0
    AND o.workspace = $1 AND o.cycle = $3 AND o.status = $4
UNION ALL
SELECT 'own', NULL, o.id, o.seq, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0
FROM objectives o WHERE o.workspace = $1 AND o.cycle = $3 AND o.status = $4 AND o.team = $2
"""


@dataclass
class Groups:
    """One scope's groups, as domain.coverage.shares.coverage takes them, and the objectives to
    list: those its items are tagged to and the team's own active ones, oldest first."""

    items: list[ItemGroup] = field(default_factory=list)
    objectives: list[ObjectiveGroup] = field(default_factory=list)
    listed: list[UUID] = field(default_factory=list)


def _estimates(r: asyncpg.Record) -> Estimates:
    return Estimates(r["has_rice"], r["has_wsjf"], r["items"], r["rice_effort"], r["job_size"])


async def groups(pool: ReadPool, sql: str, keys: list[Any], *args: Any) -> dict[Any, Groups]:
    """Each scope key's groups (every key of `keys`, even one without items)."""
    rows = await pool.fetch(sql, *args)
    by_key = {k: Groups() for k in keys}
    for r in rows:  # a key not in `keys` (a sprint created since they were read) is left out
        if r["kind"] == "items" and r["key"] in by_key:
            g = ItemGroup(r["direct"], r["indirect"], r["justified"], _estimates(r))
            by_key[r["key"]].items.append(g)
    for r in sorted((r for r in rows if r["kind"] != "items"), key=lambda r: r["seq"]):
        oid = r["objective_id"]
        for key, groups in by_key.items():
            if (r["kind"] == "own" or key == r["key"]) and oid not in groups.listed:
                groups.listed.append(oid)
        if r["kind"] == "objective" and r["key"] in by_key:
            by_key[r["key"]].objectives.append(ObjectiveGroup(oid, Tier(r["tier"]), _estimates(r)))
    return by_key


async def team_coverage_groups(pool: ReadPool, workspace: str, team: str, cycle: str) -> Groups:
    """The groups of the team's open items, from the tallies."""
    return (await groups(pool, TALLIED_COVERAGE, [None], workspace, team, cycle, ACTIVE))[None]


async def sprint_coverage_groups(
    pool: ReadPool, workspace: str, team: str, cycle: str
) -> list[tuple[asyncpg.Record, Groups]]:
    """The team's sprints of the cycle (by start date), each with its planned items' groups."""
    sprints = await pool.fetch(
        "SELECT id, start_date, end_date, goal FROM sprints"
        " WHERE workspace = $1 AND team = $2 AND cycle = $3 ORDER BY start_date, seq",
        workspace,
        team,
        cycle,
    )
    ids = [s["id"] for s in sprints]
    by_sprint = await groups(pool, SPRINT_COVERAGE, ids, workspace, team, cycle, ACTIVE)
    return [(s, by_sprint[s["id"]]) for s in sprints]
