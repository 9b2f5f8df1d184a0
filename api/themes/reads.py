"""Read-model queries of themes and the roadmap (asyncpg), scoped to a workspace: the strategy
view's tables joined with the catalog's objectives and items."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from okrank.api.database.read_pool import ReadPool

Row = asyncpg.Record

# A team's roadmap shows its own themes and the shared ones (no team); null: every theme.
TEAM_THEMES = "($2::text IS NULL OR {t}team = $2 OR {t}team = '')"


async def themes_by_id(pool: ReadPool, workspace: str, ids: Sequence[UUID]) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM themes WHERE workspace = $1 AND id = ANY($2::uuid[]) ORDER BY seq",
        workspace,
        ids,
    )


async def themes_page(
    pool: ReadPool,
    workspace: str,
    team: str | None,
    horizon: str | None,
    after_seq: int,
    limit: int,
) -> list[Row]:
    return await pool.fetch(
        f"SELECT * FROM themes WHERE workspace = $1 AND {TEAM_THEMES.format(t='')}"
        " AND ($3::text IS NULL OR horizon = $3) AND seq > $4 ORDER BY seq LIMIT $5",
        workspace,
        team,
        horizon,
        after_seq,
        limit,
    )


async def roadmap_themes(pool: ReadPool, workspace: str, team: str | None) -> list[Row]:
    return await pool.fetch(
        f"SELECT * FROM themes WHERE workspace = $1 AND {TEAM_THEMES.format(t='')} ORDER BY seq",
        workspace,
        team,
    )


# What a roadmap theme holds: (the rows joined, the theme column), by what is listed.
OBJECTIVES = (
    "theme_members m JOIN objectives w ON w.id = m.member_id AND m.kind = 'OBJECTIVE'",
    "m.theme_id",
)
ITEMS = (
    "theme_members m JOIN backlog_items w ON w.id = m.member_id AND m.kind = 'BACKLOG_ITEM'",
    "m.theme_id",
)
DISCOVERY = ("discovery_objectives d JOIN objectives w ON w.id = d.objective_id", "d.theme_id")


async def work_in_themes(
    pool: ReadPool,
    workspace: str,
    themes: Sequence[UUID],
    team: str | None,
    source: tuple[str, str],
) -> list[Row]:
    """The objectives or items (`source`) in `themes`, of `team` if named, not archived,
    oldest first; each row's `member_of` is its theme."""
    joined, theme = source
    return await pool.fetch(
        f"SELECT w.*, {theme} AS member_of FROM {joined}"
        f" WHERE {theme} = ANY($2::uuid[]) AND w.workspace = $1"
        " AND ($3::text IS NULL OR w.team = $3) AND w.status <> 'ARCHIVED' ORDER BY w.seq",
        workspace,
        themes,
        team,
    )


async def work_pages_in_themes(
    pool: ReadPool,
    workspace: str,
    team: str | None,
    source: tuple[str, str],
    after_seq: int,
    limit: int,
) -> list[Row]:
    """As `work_in_themes` over the roadmap's themes (`roadmap_themes`: named by the filter, so
    this read need not wait for that one), each theme's first `limit` rows after `after_seq`."""
    joined, theme = source
    return await pool.fetch(
        "SELECT w.*, th.id AS member_of FROM themes th CROSS JOIN LATERAL ("
        f" SELECT w.* FROM {joined} WHERE {theme} = th.id AND w.workspace = $1"
        " AND ($2::text IS NULL OR w.team = $2) AND w.status <> 'ARCHIVED' AND w.seq > $3"
        f" ORDER BY w.seq LIMIT $4) w WHERE th.workspace = $1 AND {TEAM_THEMES.format(t='th.')}"
        " ORDER BY w.seq",
        workspace,
        team,
        after_seq,
        limit,
    )


async def memberships(pool: ReadPool, workspace: str, member_id: UUID) -> Row | None:
    """The theme an objective or item is in, and the theme a discovery objective prepares."""
    return await pool.fetchrow(
        "SELECT (SELECT m.theme_id FROM theme_members m JOIN themes t ON t.id = m.theme_id"
        "  WHERE m.member_id = $2 AND t.workspace = $1) AS theme_id,"
        " (SELECT d.theme_id FROM discovery_objectives d JOIN themes t ON t.id = d.theme_id"
        "  WHERE d.objective_id = $2 AND t.workspace = $1) AS prepares_theme_id",
        workspace,
        member_id,
    )


async def moves_page(pool: ReadPool, theme_id: UUID, before: int | None, limit: int) -> list[Row]:
    return await pool.fetch(
        "SELECT * FROM theme_moves WHERE theme_id = $1 AND ($2::bigint IS NULL OR position < $2)"
        " ORDER BY position DESC LIMIT $3",
        theme_id,
        before,
        limit,
    )
