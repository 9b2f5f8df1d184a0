"""Ranking entries: recomputed from the catalog's rows for the items an event touched, with
every rank that moved recorded in the outbox (okrank.projections.rankings.ranking_changes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okrank.domain.backlog.item import ItemStatus
from okrank.domain.rankings.entries import ItemFacts, TagFacts, item_entries
from okrank.domain.rankings.scoring import Multipliers, Tier
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.rankings.ranking_changes import (
    OLD_ENTRIES,
    Cause,
    Entry,
    RankingChanges,
)

INSERT_ENTRIES = (
    "INSERT INTO ranking_entries (workspace, scope, method, item_id, base_score, multiplier,"
    " tier, priority, eligible, k_unscored, k_priority, k_base, seq)"
    " SELECT * FROM unnest(%s::text[], %s::uuid[], %s::text[], %s::uuid[], %s::float8[],"
    " %s::float8[], %s::text[], %s::float8[], %s::bool[], %s::smallint[], %s::float8[],"
    " %s::float8[], %s::bigint[])"
)


def recompute_rankings(
    batch: CatalogBatch, workspace: str, item_ids: list[UUID], cause: Cause | None
) -> None:
    """Replace the ranking entries of `item_ids` with what the domain says they are now, and
    record in the outbox every rank that changed because of it (deferred while rebuilding)."""
    if not item_ids:
        return
    if batch.deferred is not None:
        batch.deferred.setdefault(workspace, set()).update(item_ids)
        return
    curs, index = batch.curs, batch.index
    # Independent reads (multipliers, items, tags, exercise scores), queued together: one round
    # trip in pipeline mode.
    conn = curs.connection
    m_cur, i_cur, t_cur = conn.cursor(), conn.cursor(), conn.cursor()
    m_cur.execute(
        "SELECT direct, indirect, untagged FROM workspaces WHERE workspace = %s", (workspace,)
    )
    i_cur.execute(
        "SELECT id, seq, rice_score, wsjf_score, justification, status FROM backlog_items"
        " WHERE id = ANY(%s)",
        (item_ids,),
    )
    t_cur.execute(
        "SELECT t.item_id, t.objective_id, t.tier, o.status = 'ACTIVE' AS active"
        " FROM item_tags t JOIN objectives o ON o.id = t.objective_id"
        " WHERE t.item_id = ANY(%s)",
        (item_ids,),
    )
    x_cur = conn.cursor()
    x_cur.execute(
        "SELECT item_id, exercise_id, objective_id, score FROM exercise_results"
        " WHERE item_id = ANY(%s) AND segment = ''",
        (item_ids,),
    )
    o_cur = None
    if cause is not None and index is not None and len(item_ids) == 1:
        o_cur = conn.cursor()
        o_cur.execute(OLD_ENTRIES, (item_ids[0],))
    m = m_cur.fetchone()
    multipliers = Multipliers(m["direct"], m["indirect"], m["untagged"]) if m else Multipliers()
    items = i_cur.fetchall()
    tags: dict[UUID, list[TagFacts]] = {}
    for row in t_cur.fetchall():
        tags.setdefault(row["item_id"], []).append(
            TagFacts(row["objective_id"], Tier(row["tier"]), row["active"])
        )
    exercise_scores: dict[UUID, list[tuple[UUID, UUID, float | None]]] = {}
    for row in x_cur.fetchall():
        exercise_scores.setdefault(row["item_id"], []).append(
            (row["exercise_id"], row["objective_id"], row["score"])
        )
    rows, entries = [], []
    for item in items:
        facts = ItemFacts(
            item["id"],
            item["seq"],
            item["rice_score"],
            item["wsjf_score"],
            bool(item["justification"]),
            tuple(exercise_scores.get(item["id"], ())),
        )
        status, item_tags = ItemStatus(item["status"]), tags.get(item["id"], [])
        for scope, method, e in item_entries(status, facts, item_tags, multipliers):
            k = e.sort_key
            rows.append(_entry_row(workspace, scope, method, item["id"], e, k))
            key = (k[0], k[1], k[2], e.seq, item["id"])
            entries.append(Entry(scope, method, key, e.priority))
    changes = None
    if cause is not None and index is not None:
        old_rows = o_cur.fetchall() if o_cur is not None else None
        changes = RankingChanges(curs, workspace, item_ids, index, entries, old_rows)
    curs.execute("DELETE FROM ranking_entries WHERE item_id = ANY(%s)", (item_ids,))
    if rows:
        # One statement for all rows (columns as arrays), not one per row: psycopg's cost is
        # per statement, and an item has an entry per scope and method.
        curs.execute(INSERT_ENTRIES, list(map(list, zip(*rows, strict=True))))
    if changes is not None and cause is not None:
        changes.record(cause)


def _entry_row(
    workspace: str, scope: UUID, method: str, item_id: UUID, e: Any, k: tuple[Any, ...]
) -> tuple[Any, ...]:
    return (
        workspace,
        scope,
        method,
        item_id,
        e.base_score,
        e.multiplier,
        e.tier.value,
        e.priority,
        e.eligible,
        k[0],
        k[1],
        k[2],
        e.seq,
    )


def recompute_deferred(batch: CatalogBatch) -> None:
    """At the end of a rebuild's batch: the rankings of every item it touched, once each."""
    deferred, batch.deferred = batch.deferred, None
    for workspace, ids in (deferred or {}).items():
        recompute_rankings(batch, workspace, sorted(ids), None)
