"""The tagging session's reads (asyncpg): a team's open items and which of them were triaged
for a cycle (item_triages), and a page of those still to triage."""

from __future__ import annotations

import asyncpg

from okrank.api.backlog.reads import ITEM_COLUMNS
from okrank.api.coverage.reads import LEFT_THE_BACKLOG
from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record

OPEN_TEAM_ITEMS = "i.workspace = $1 AND i.team = $2 AND NOT (i.status = ANY($4::text[]))"


async def session_counts(pool: ReadPool, workspace: str, team: str, cycle: str) -> tuple[int, int]:
    """(open items of the team, those triaged for the cycle)."""
    row = await pool.fetchrow(
        "SELECT count(*) AS items, count(tr.item_id) AS triaged FROM backlog_items i"
        " LEFT JOIN item_triages tr ON tr.item_id = i.id AND tr.cycle = $3"
        f" WHERE {OPEN_TEAM_ITEMS}",
        workspace,
        team,
        cycle,
        LEFT_THE_BACKLOG,
    )
    return row["items"], row["triaged"]


async def items_to_triage(
    pool: ReadPool, workspace: str, team: str, cycle: str, after_seq: int, limit: int
) -> list[Row]:
    """Open items of the team not triaged for the cycle, oldest first, after `after_seq`."""
    return await pool.fetch(
        f"SELECT {ITEM_COLUMNS} FROM backlog_items i WHERE {OPEN_TEAM_ITEMS} AND i.seq > $5"
        " AND NOT EXISTS (SELECT 1 FROM item_triages tr WHERE tr.item_id = i.id"
        "   AND tr.cycle = $3)"
        " ORDER BY i.seq LIMIT $6",
        workspace,
        team,
        cycle,
        LEFT_THE_BACKLOG,
        after_seq,
        limit,
    )
