"""Catalog handlers of backlog item events: the item's row, its tags, and its rankings.

An item created in the batch being applied is changed in memory (okrank.projections.catalog.
new_items) and written with the batch's other new items; any other item's rows are changed by
SQL at once, after the held items are written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.rankings.scoring import RiceInputs, WsjfInputs, rice_score, wsjf_score
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.coverage_tallies import counted
from okrank.projections.catalog.new_items import NewItem, Tag
from okrank.projections.catalog.rankings import (
    flush_new_items,
    rank_new_item,
    rank_stored_item,
    recompute_rankings,
)
from okrank.projections.catalog.stored_items import StoredItem, load
from okrank.projections.rankings.causes import cause_of

# False: a stored item's status or score change recomputes its rankings by SQL, one event at a
# time, as before stored_items (bench.reset_catch_up's baseline in the same run sets it, and the
# tests compare both).
HOLD_STORED_ITEMS = True


def _new(b: CatalogBatch, e: Any) -> NewItem | None:
    """The event's item if it was created in this batch (then changed in memory); otherwise
    None, once the held items are written (the caller's SQL reads and writes the tables)."""
    item = b.new_items.get(e.originator_id)
    if item is None:
        flush_new_items(b)
    else:
        item.touch(e)
    return item


def _rerank(b: CatalogBatch, e: Any, pos: int, new: NewItem | None = None) -> None:
    """The item's version on its row, and its rankings, after a change that may move it."""
    if new is not None:
        rank_new_item(b, new, cause_of(e, pos))
        return
    b.touch_item(e)
    recompute_rankings(b, b.item_workspace(e.originator_id), [e.originator_id], cause_of(e, pos))


def _set(b: CatalogBatch, e: Any, pos: int, *, rerank: bool = True, **columns: Any) -> None:
    """The item's `columns` (named as NewItem's fields) set: in memory if it was created in this
    batch, else by one UPDATE; then its rankings recomputed, unless the change cannot move it."""
    if (new := _new(b, e)) is not None:
        for name, value in columns.items():
            setattr(new, name, value)
        if rerank:
            _rerank(b, e, pos, new)
        return
    sets = ", ".join(f"{name} = %s" for name in columns)
    b.curs.execute(
        f"UPDATE backlog_items SET {sets} WHERE id = %s", (*columns.values(), e.originator_id)
    )
    if rerank:
        _rerank(b, e, pos)
    else:
        b.touch_item(e)


def item_created(b: CatalogBatch, e: BacklogItem.Created, pos: int) -> None:
    b.workspaces.remember(e.originator_id, e.workspace)
    item = NewItem(
        id=e.originator_id,
        workspace=e.workspace,
        seq=pos,
        title=e.title,
        description=e.description,
        kind=e.kind,
        version=e.originator_version,
        created_at=e.timestamp,
        created_by=e.actor,
        team=e.team,
        updated_at=e.timestamp,
    )
    b.new_items.add(item)
    rank_new_item(b, item, cause_of(e, pos))
    # Its coverage contribution is counted when it is written (count_written), not recounted
    # around this event: two statements per new item retracting what no table holds yet.
    if b.rebuilding:  # as `recount` rebuilding: the workspace counted afresh at the end
        b.coverage_workspaces.add(e.workspace)


def item_updated(b: CatalogBatch, e: BacklogItem.Updated, pos: int) -> None:
    _set(b, e, pos, rerank=False, title=e.title, description=e.description, kind=e.kind)


def import_recorded(b: CatalogBatch, e: BacklogItem.ImportRecorded, pos: int) -> None:
    _set(b, e, pos, rerank=False, external_key=e.external_key, labels=list(e.labels))


def team_assigned(b: CatalogBatch, e: BacklogItem.TeamAssigned, pos: int) -> None:
    _set(b, e, pos, rerank=False, team=e.team)


def _rice(e: BacklogItem.RiceScored) -> float:
    return rice_score(RiceInputs(e.reach, e.impact, e.confidence, e.effort))


def _wsjf(e: BacklogItem.WsjfScored) -> float:
    return wsjf_score(
        WsjfInputs(e.business_value, e.time_criticality, e.risk_reduction, e.job_size)
    )


def rice_scored(b: CatalogBatch, e: BacklogItem.RiceScored, pos: int) -> None:
    rice = {"reach": e.reach, "impact": e.impact, "confidence": e.confidence, "effort": e.effort}
    _set(b, e, pos, **rice, rice_score=_rice(e))


def wsjf_scored(b: CatalogBatch, e: BacklogItem.WsjfScored, pos: int) -> None:
    wsjf = {
        "business_value": e.business_value,
        "time_criticality": e.time_criticality,
        "risk_reduction": e.risk_reduction,
        "job_size": e.job_size,
    }
    _set(b, e, pos, **wsjf, wsjf_score=_wsjf(e))


def item_tagged(b: CatalogBatch, e: Any, pos: int) -> None:
    """Tagged and Retagged: the tag now has this tier and key result."""
    if (new := _new(b, e)) is not None:
        new.tags[e.objective_id] = Tag(e.key_result_id, e.tier, e.timestamp, e.actor, e.reason)
        _rerank(b, e, pos, new)
        return
    workspace = b.item_workspace(e.originator_id)
    b.curs.execute(
        "INSERT INTO item_tags VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (item_id, objective_id) DO UPDATE SET key_result_id = EXCLUDED.key_result_id,"
        " tier = EXCLUDED.tier, tagged_at = EXCLUDED.tagged_at, tagged_by = EXCLUDED.tagged_by,"
        " reason = EXCLUDED.reason",
        (
            e.originator_id,
            e.objective_id,
            workspace,
            e.key_result_id,
            e.tier,
            e.timestamp,
            e.actor,
            e.reason,
        ),
    )
    _rerank(b, e, pos)


def item_untagged(b: CatalogBatch, e: BacklogItem.Untagged, pos: int) -> None:
    if (new := _new(b, e)) is not None:
        new.tags.pop(e.objective_id, None)
        _rerank(b, e, pos, new)
        return
    b.curs.execute(
        "DELETE FROM item_tags WHERE item_id = %s AND objective_id = %s",
        (e.originator_id, e.objective_id),
    )
    _rerank(b, e, pos)


def item_justified(b: CatalogBatch, e: BacklogItem.JustifiedNonStrategic, pos: int) -> None:
    _set(b, e, pos, justification=e.justification)


def item_status_changed(b: CatalogBatch, e: BacklogItem.StatusChanged, pos: int) -> None:
    # done_at: when the item last became DONE (the quarterly review's "done in the cycle").
    done_at = e.timestamp if e.status == "DONE" else None
    _set(b, e, pos, status=e.status, done_at=done_at)


def _restatus(item: StoredItem, e: BacklogItem.StatusChanged) -> None:
    item.status, item.done_at = e.status, e.timestamp if e.status == "DONE" else None


# The flush sends each column as one binary array of one Python type: an event's whole-number
# reach must be a float like the loaded rows' (and a job size an int).
def _rescore_rice(item: StoredItem, e: BacklogItem.RiceScored) -> None:
    item.rice = tuple(float(v) for v in (e.reach, e.impact, e.confidence, e.effort))
    item.rice_score = _rice(e)


def _rescore_wsjf(item: StoredItem, e: BacklogItem.WsjfScored) -> None:
    inputs = (e.business_value, e.time_criticality, e.risk_reduction, e.job_size)
    item.wsjf, item.wsjf_score = tuple(int(v) for v in inputs), _wsjf(e)


def held(
    change: Callable[[StoredItem, Any], None], by_sql: Callable[[CatalogBatch, Any, int], None]
) -> Callable[[CatalogBatch, Any, int], None]:
    """Live, a change of an item of the tables made in memory (stored_items: a reset's thousands
    of status changes, or the scores of a batch's items, cost one read and one write per table
    per batch, not a recompute each); its coverage contribution is recounted when it is written
    (`flush_new_items`). Otherwise (rebuilding, an item created in this batch, or one not in the
    catalog: poison) `by_sql`."""

    def handle(b: CatalogBatch, e: Any, pos: int) -> None:
        hold = HOLD_STORED_ITEMS and not b.rebuilding and b.new_items.get(e.originator_id) is None
        item = _stored(b, e, pos) if hold else None
        if item is None:
            by_sql(b, e, pos)
            return
        change(item, e)
        item.version, item.updated_at = e.originator_version, e.timestamp
        b.new_items.stored[item.id] = item
        rank_stored_item(b, item, cause_of(e, pos))

    return handle


def _stored(b: CatalogBatch, e: Any, pos: int) -> StoredItem | None:
    """The item as held in memory: changed earlier in the batch, or as loaded for this and
    the batch's coming changes of held kinds (since the last flush)."""
    item = b.new_items.stored.get(e.originator_id) or b.new_items.loaded.pop(e.originator_id, None)
    if item is not None:
        return item
    new, stored = b.new_items.items, b.new_items.stored
    coming = {
        c.originator_id
        for c in b.coming(HELD, pos)
        if c.originator_id not in new and c.originator_id not in stored
    }
    b.new_items.loaded = load(b.curs, sorted(coming | {e.originator_id}))
    return b.new_items.loaded.pop(e.originator_id, None)


def stored_written_first(
    handler: Callable[[CatalogBatch, Any, int], None],
) -> Callable[[CatalogBatch, Any, int], None]:
    """A handler that recounts its item by SQL: an item held as stored is written first, so
    its contribution is retracted once, from what the tables hold."""

    def handle(b: CatalogBatch, e: Any, pos: int) -> None:
        if e.originator_id in b.new_items.stored:
            flush_new_items(b)
        handler(b, e, pos)

    return handle


# The changes an item of the tables takes in memory (`held`).
HELD = (BacklogItem.StatusChanged, BacklogItem.RiceScored, BacklogItem.WsjfScored)
# counted: the events that change what an item contributes to the coverage tallies.
HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    BacklogItem.Created: item_created,
    BacklogItem.Updated: item_updated,
    BacklogItem.ImportRecorded: import_recorded,
    **{
        event: stored_written_first(counted(handler))
        for event, handler in (
            (BacklogItem.TeamAssigned, team_assigned),
            (BacklogItem.Tagged, item_tagged),
            (BacklogItem.Retagged, item_tagged),
            (BacklogItem.Untagged, item_untagged),
            (BacklogItem.JustifiedNonStrategic, item_justified),
        )
    },
    BacklogItem.StatusChanged: held(_restatus, counted(item_status_changed)),
    BacklogItem.RiceScored: held(_rescore_rice, stored_written_first(counted(rice_scored))),
    BacklogItem.WsjfScored: held(_rescore_wsjf, stored_written_first(counted(wsjf_scored))),
}
