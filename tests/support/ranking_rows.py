"""Ranking rows written straight into the catalog's tables, as its projection writes them:
for tests of the SQL that reads rankings (order, cursors, plans) without running the view."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import psycopg

from okrank.domain.rankings.entries import PRODUCT_SCOPE
from okrank.domain.rankings.scoring import RankingEntry, Tier
from okrank.projections.catalog.tables import INDEXES, TABLES

WORKSPACE = "order"
OBJECTIVE = uuid.uuid4()


def tricky_entries(rng: random.Random, n: int) -> list[RankingEntry]:
    """Ties everywhere: equal priorities with other base scores, equal base scores, repeated
    creation order (left to the item ID), zero scores (-0.0 keys) and unscored items."""
    return [
        RankingEntry(
            item_id=str(uuid.uuid4()),
            base_score=rng.choice([None, 0.0, 1.0, 2.0, 2.5, 5.0, 10.0]),
            multiplier=rng.choice([0.5, 1.0, 2.0]),
            tier=Tier.DIRECT,
            eligible=True,
            seq=rng.randint(1, n // 4),
        )
        for _ in range(n)
    ]


def store(url: str, entries: list[RankingEntry]) -> None:
    """Write the entries as the catalog projection does: its tables, its k_* columns."""
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:  # one transaction, committed on leaving
        for ddl in [*TABLES.values(), *INDEXES]:
            conn.execute(ddl)
        # the catalog view's tracking table, which a page reads its position from
        conn.execute(
            "CREATE TABLE IF NOT EXISTS catalog_tracking"
            " (application_name text PRIMARY KEY, notification_id bigint)"
        )
        curs = conn.cursor()
        curs.executemany(  # one round trip for all rows (psycopg pipelines executemany)
            "INSERT INTO backlog_items (id, workspace, seq, title, description, kind, status,"
            " justification, version, created_at, created_by, updated_at)"
            " VALUES (%s, %s, %s, 'i', '', 'FEATURE', 'BACKLOG', '', 1, %s, 't', %s)",
            [(e.item_id, WORKSPACE, e.seq, now, now) for e in entries],
        )
        curs.executemany(
            "INSERT INTO ranking_entries (workspace, scope, method, item_id, base_score,"
            " multiplier, tier, priority, eligible, k_unscored, k_priority, k_base, seq)"
            " VALUES (%s, %s, 'RICE', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [_entry_row(e, scope) for e in entries for scope in (PRODUCT_SCOPE, OBJECTIVE)],
        )


def _entry_row(e: RankingEntry, scope: object) -> tuple[object, ...]:
    k = e.sort_key
    values = (e.item_id, e.base_score, e.multiplier, e.tier, e.priority, e.eligible)
    return (WORKSPACE, scope, *values, k[0], k[1], k[2], e.seq)
