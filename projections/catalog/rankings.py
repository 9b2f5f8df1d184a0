"""Ranking entries: recomputed from the catalog's rows for the items an event touched, with
every rank that moved recorded in the outbox (okrank.projections.rankings.ranking_changes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okrank.domain.backlog.item import ItemStatus
from okrank.domain.rankings.entries import ItemFacts, TagFacts, item_entries
from okrank.domain.rankings.scoring import Multipliers, Tier
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.coverage_tallies import count_written, recount_stored
from okrank.projections.catalog.new_items import NewItem
from okrank.projections.catalog.stored_items import StoredItem
from okrank.projections.catalog.tables import INSERT_ENTRIES
from okrank.projections.rankings.ranking_changes import (
    OLD_ENTRIES,
    Cause,
    Entry,
    RankingChanges,
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
        " WHERE id = ANY(%b::uuid[])",
        (item_ids,),
    )
    t_cur.execute(
        "SELECT t.item_id, t.objective_id, t.tier, o.status = 'ACTIVE' AS active"
        " FROM item_tags t JOIN objectives o ON o.id = t.objective_id"
        " WHERE t.item_id = ANY(%b::uuid[])",
        (item_ids,),
    )
    x_cur = conn.cursor()
    x_cur.execute(
        "SELECT item_id, exercise_id, objective_id, score FROM exercise_results"
        " WHERE item_id = ANY(%b::uuid[]) AND segment = ''",
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
    rows: list[tuple[Any, ...]] = []
    entries: list[Entry] = []
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
        entry_rows(workspace, status, facts, item_tags, multipliers, rows, entries)
    changes = None
    if cause is not None and index is not None:
        old_rows = o_cur.fetchall() if o_cur is not None else None
        changes = RankingChanges(curs, workspace, item_ids, index, entries, old_rows)
    curs.execute("DELETE FROM ranking_entries WHERE item_id = ANY(%b::uuid[])", (item_ids,))
    if rows:
        # One statement for all rows (columns as arrays), not one per row: psycopg's cost is
        # per statement, and an item has an entry per scope and method.
        curs.execute(INSERT_ENTRIES, list(map(list, zip(*rows, strict=True))))
    if changes is not None and cause is not None:
        changes.record(cause)


def entry_rows(
    workspace: str,
    status: ItemStatus,
    facts: ItemFacts,
    tags: list[TagFacts],
    multipliers: Multipliers,
    rows: list[tuple[Any, ...]],
    entries: list[Entry],
) -> None:
    """Append the item's ranking entries: to `rows` as INSERT_ENTRIES writes them, to `entries`
    as the outbox's change detection compares them."""
    item_id = facts.item_id
    for scope, method, e in item_entries(status, facts, tags, multipliers):
        k = e.sort_key
        rows.append(_entry_row(workspace, scope, method, item_id, e, k))
        entries.append(Entry(scope, method, (k[0], k[1], k[2], e.seq, item_id), e.priority))


def rank_new_item(batch: CatalogBatch, item: NewItem, cause: Cause) -> None:
    """An item created in this batch (okrank.projections.catalog.new_items): its entries from
    what the batch holds, and the ranks that moved queued for the outbox as `recompute_rankings`
    records them. Rebuilding, the entries wait for the end of the batch (`rank_new_items`)."""
    if batch.index is None:  # rebuilding
        item.ranked = False
        return
    rows, entries = _new_item_entries(batch, item)
    _queue_changes(batch, item.workspace, item.id, item.entries, entries, cause)
    item.entries, item.entry_rows, item.ranked = entries, rows, True


def rank_stored_item(batch: CatalogBatch, item: StoredItem, cause: Cause) -> None:
    """An item of the tables held in memory (okrank.projections.catalog.stored_items): its
    entries from what was loaded and its new status, the ranks that moved queued for the outbox
    as for a new item (live only)."""
    facts = ItemFacts(
        item.id,
        item.seq,
        item.rice_score,
        item.wsjf_score,
        bool(item.justification),
        tuple(item.exercise_scores),
    )
    rows: list[tuple[Any, ...]] = []
    entries: list[Entry] = []
    status = ItemStatus(item.status)
    entry_rows(item.workspace, status, facts, item.tags, item.multipliers, rows, entries)
    _queue_changes(batch, item.workspace, item.id, item.entries, entries, cause)
    item.entries, item.entry_rows = entries, rows


def _queue_changes(
    batch: CatalogBatch,
    workspace: str,
    item_id: UUID,
    old: list[Entry],
    new: list[Entry],
    cause: Cause,
) -> None:
    assert batch.index is not None
    changes = RankingChanges(
        batch.curs, workspace, [item_id], batch.index, new, old_entries=old
    ).outbox_rows(cause)
    if changes:
        batch.new_items.changes.extend(changes)
        batch.new_items.notified.append(str(cause.position))


def flush_new_items(batch: CatalogBatch) -> None:
    """Write the items created in this batch so far and the stored items it changed in memory
    (see new_items, stored_items): before a handler that reads the tables, and at the end of the
    batch. The coverage contributions of the stored items whose counted facts changed are
    retracted while the tables still hold what they were and counted again once they are
    written (a rescore of reach or value, or a move between open statuses, counts the same)."""
    rank_new_items(batch)
    written = list(batch.new_items.items)
    moved = [i for i in batch.new_items.stored.values() if i.coverage_facts() != i.counted]
    recount_stored(batch, moved, lambda: batch.new_items.flush(batch.curs, batch.rebuilding))
    count_written(batch, written)


def rank_new_items(batch: CatalogBatch) -> None:
    """Rebuilding: each new item's entries, once, from its state at the end of the batch."""
    for item in batch.new_items.items.values():
        if not item.ranked:
            item.entry_rows = _new_item_entries(batch, item)[0]
            item.ranked = True


def _new_item_entries(
    batch: CatalogBatch, item: NewItem
) -> tuple[list[tuple[Any, ...]], list[Entry]]:
    new, curs = batch.new_items, batch.curs
    tags = [
        TagFacts(objective_id, Tier(tag.tier), active)
        for objective_id, tag in item.tags.items()
        if (active := new.objective_active(curs, item.workspace, objective_id)) is not None
    ]
    facts = ItemFacts(
        item.id, item.seq, item.rice_score, item.wsjf_score, bool(item.justification), ()
    )
    rows: list[tuple[Any, ...]] = []
    entries: list[Entry] = []
    multipliers = new.multipliers(curs, item.workspace)
    entry_rows(item.workspace, ItemStatus(item.status), facts, tags, multipliers, rows, entries)
    return rows, entries


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
