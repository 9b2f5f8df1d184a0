"""The coverage of a team's open items computed afresh, by scanning them (as the read did before
the catalog kept tallies): the reference the tallies are compared with."""

from __future__ import annotations

import asyncpg

from okrank.api.coverage import reads
from okrank.domain.coverage.shares import Coverage, coverage

TEAM_SCOPE = """
    SELECT NULL::uuid AS key, i.id, i.justification <> '' AS justified, i.effort, i.job_size
    FROM backlog_items i
    WHERE i.workspace = $1 AND i.team = $2 AND NOT (i.status = ANY($5::text[]))"""
SCANNED_COVERAGE = reads.coverage_sql(TEAM_SCOPE)


async def scanned_groups(pool: asyncpg.Pool, workspace: str, team: str, cycle: str) -> reads.Groups:
    args = (workspace, team, cycle, reads.ACTIVE, reads.LEFT_THE_BACKLOG)
    return (await reads.groups(pool, SCANNED_COVERAGE, [None], *args))[None]


async def both_coverages(
    pool: asyncpg.Pool, workspace: str, team: str, cycle: str
) -> tuple[Coverage, Coverage]:
    """(from the tallies, scanned): what `coverage(team, cycle)` answers, each way."""
    kept = await reads.team_coverage_groups(pool, workspace, team, cycle)
    fresh = await scanned_groups(pool, workspace, team, cycle)
    return (
        coverage(kept.items, kept.objectives, kept.listed),
        coverage(fresh.items, fresh.objectives, fresh.listed),
    )
