"""Catalog handlers of backlog item events: the item's row, its tags, and its rankings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.rankings.scoring import RiceInputs, WsjfInputs, rice_score, wsjf_score
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.coverage_tallies import counted
from okrank.projections.catalog.rankings import recompute_rankings
from okrank.projections.rankings.causes import cause_of


def _rerank(b: CatalogBatch, e: Any, pos: int) -> None:
    """The item's version on its row, and its rankings, after a change that may move it."""
    b.touch_item(e)
    recompute_rankings(b, b.item_workspace(e.originator_id), [e.originator_id], cause_of(e, pos))


def item_created(b: CatalogBatch, e: BacklogItem.Created, pos: int) -> None:
    b.workspaces.remember(e.originator_id, e.workspace)
    b.curs.execute(
        "INSERT INTO backlog_items (id, workspace, seq, title, description, kind, status,"
        " justification, version, created_at, created_by, updated_at, team)"
        " VALUES (%s, %s, %s, %s, %s, %s, 'CANDIDATE', '', %s, %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.title,
            e.description,
            e.kind,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
            e.team,
        ),
    )
    recompute_rankings(b, e.workspace, [e.originator_id], cause_of(e, pos))


def item_updated(b: CatalogBatch, e: BacklogItem.Updated, pos: int) -> None:
    b.curs.execute(
        "UPDATE backlog_items SET title = %s, description = %s, kind = %s WHERE id = %s",
        (e.title, e.description, e.kind, e.originator_id),
    )
    b.touch_item(e)


def import_recorded(b: CatalogBatch, e: BacklogItem.ImportRecorded, pos: int) -> None:
    b.curs.execute(
        "UPDATE backlog_items SET external_key = %s, labels = %s WHERE id = %s",
        (e.external_key, list(e.labels), e.originator_id),
    )
    b.touch_item(e)


def team_assigned(b: CatalogBatch, e: BacklogItem.TeamAssigned, pos: int) -> None:
    b.curs.execute("UPDATE backlog_items SET team = %s WHERE id = %s", (e.team, e.originator_id))
    b.touch_item(e)


def rice_scored(b: CatalogBatch, e: BacklogItem.RiceScored, pos: int) -> None:
    score = rice_score(RiceInputs(e.reach, e.impact, e.confidence, e.effort))
    b.curs.execute(
        "UPDATE backlog_items SET reach = %s, impact = %s, confidence = %s, effort = %s,"
        " rice_score = %s WHERE id = %s",
        (e.reach, e.impact, e.confidence, e.effort, score, e.originator_id),
    )
    _rerank(b, e, pos)


def wsjf_scored(b: CatalogBatch, e: BacklogItem.WsjfScored, pos: int) -> None:
    inputs = WsjfInputs(e.business_value, e.time_criticality, e.risk_reduction, e.job_size)
    b.curs.execute(
        "UPDATE backlog_items SET business_value = %s, time_criticality = %s,"
        " risk_reduction = %s, job_size = %s, wsjf_score = %s WHERE id = %s",
        (
            e.business_value,
            e.time_criticality,
            e.risk_reduction,
            e.job_size,
            wsjf_score(inputs),
            e.originator_id,
        ),
    )
    _rerank(b, e, pos)


def item_tagged(b: CatalogBatch, e: Any, pos: int) -> None:
    """Tagged and Retagged: the tag now has this tier and key result."""
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
    b.curs.execute(
        "DELETE FROM item_tags WHERE item_id = %s AND objective_id = %s",
        (e.originator_id, e.objective_id),
    )
    _rerank(b, e, pos)


def item_justified(b: CatalogBatch, e: BacklogItem.JustifiedNonStrategic, pos: int) -> None:
    b.curs.execute(
        "UPDATE backlog_items SET justification = %s WHERE id = %s",
        (e.justification, e.originator_id),
    )
    _rerank(b, e, pos)


def item_status_changed(b: CatalogBatch, e: BacklogItem.StatusChanged, pos: int) -> None:
    # done_at: when the item last became DONE (the quarterly review's "done in the cycle").
    b.curs.execute(
        "UPDATE backlog_items SET status = %s,"
        " done_at = CASE WHEN %s = 'DONE' THEN %s::timestamptz END WHERE id = %s",
        (e.status, e.status, e.timestamp, e.originator_id),
    )
    _rerank(b, e, pos)


# counted: the events that change what an item contributes to the coverage tallies.
HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    BacklogItem.Created: counted(item_created),
    BacklogItem.Updated: item_updated,
    BacklogItem.ImportRecorded: import_recorded,
    BacklogItem.TeamAssigned: counted(team_assigned),
    BacklogItem.RiceScored: counted(rice_scored),
    BacklogItem.WsjfScored: counted(wsjf_scored),
    BacklogItem.Tagged: counted(item_tagged),
    BacklogItem.Retagged: counted(item_tagged),
    BacklogItem.Untagged: counted(item_untagged),
    BacklogItem.JustifiedNonStrategic: counted(item_justified),
    BacklogItem.StatusChanged: counted(item_status_changed),
}
