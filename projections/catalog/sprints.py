"""Catalog handlers of sprint events, and of the workspace's zombie thresholds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrank.domain.sprints.sprint import Sprint, SprintStatus
from okrank.domain.workspaces.workspace import Workspace
from okrank.projections.catalog import okr_changes
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.okr_changes import OkrChange, OkrChangeKind, SprintClosed


def sprint_created(b: CatalogBatch, e: Sprint.Created, pos: int) -> None:
    b.curs.execute(
        "INSERT INTO sprints VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'PLANNED', NULL,"
        " NULL, %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.team,
            e.cycle,
            e.start_date,
            e.end_date,
            e.goal,
            e.goal_objective_id,
            e.goal_key_result_id,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )


def touch_sprint(b: CatalogBatch, e: Any, sets: str = "", values: tuple[Any, ...] = ()) -> str:
    """The event's version and time on the sprint's row (and `sets`); its workspace."""
    return b.curs.execute(
        f"UPDATE sprints SET version = %s, updated_at = %s{sets} WHERE id = %s RETURNING workspace",
        (e.originator_version, e.timestamp, *values, e.originator_id),
    ).fetchone()["workspace"]


def item_planned(b: CatalogBatch, e: Sprint.ItemPlanned, pos: int) -> None:
    workspace = touch_sprint(b, e)
    b.curs.execute(
        "INSERT INTO sprint_items VALUES (%s, %s, %s, %s, %s, %s, %s, NULL)",
        (e.originator_id, e.item_id, workspace, pos, e.timestamp, e.actor, e.override_reason),
    )


def item_unplanned(b: CatalogBatch, e: Sprint.ItemUnplanned, pos: int) -> None:
    touch_sprint(b, e)
    b.curs.execute(
        "DELETE FROM sprint_items WHERE sprint_id = %s AND item_id = %s",
        (e.originator_id, e.item_id),
    )


def sprint_started(b: CatalogBatch, e: Sprint.Started, pos: int) -> None:
    touch_sprint(b, e, ", status = %s, started_at = %s", (SprintStatus.ACTIVE.value, e.timestamp))


def sprint_closed(b: CatalogBatch, e: Sprint.Closed, pos: int) -> None:
    """The items' outcomes, and the SPRINT_CLOSED change on the okrChanged stream."""
    workspace = touch_sprint(
        b, e, ", status = %s, closed_at = %s", (SprintStatus.CLOSED.value, e.timestamp)
    )
    for outcome, items in (("DONE", e.done), ("CARRIED_OVER", e.carried_over)):
        b.curs.execute(
            "UPDATE sprint_items SET outcome = %s"
            " WHERE sprint_id = %s AND item_id = ANY(%b::uuid[])",
            (outcome, e.originator_id, list(items)),
        )
    if b.rebuilding:
        return
    sprint = b.curs.execute(
        "SELECT team, cycle, goal_objective_id, goal_key_result_id FROM sprints WHERE id = %s",
        (e.originator_id,),
    ).fetchone()
    closed = SprintClosed(
        e.originator_id, sprint["team"], sprint["cycle"], list(e.done), list(e.carried_over)
    )
    change = OkrChange(
        OkrChangeKind.SPRINT_CLOSED,
        sprint["goal_objective_id"],
        sprint["goal_key_result_id"],
        None,
        None,
        None,
        None,
        closed,
    )
    okr_changes.record(b, workspace, e, pos, [change])


def zombie_thresholds_set(b: CatalogBatch, e: Workspace.ZombieThresholdsSet, pos: int) -> None:
    b.curs.execute(
        "UPDATE workspaces SET version = %s WHERE id = %s", (e.originator_version, e.originator_id)
    )
    b.curs.execute(
        "INSERT INTO zombie_thresholds SELECT workspace, %s, %s, %s, %s, %s, %s FROM workspaces"
        " WHERE id = %s ON CONFLICT (workspace) DO UPDATE SET sprints = EXCLUDED.sprints,"
        " cycles = EXCLUDED.cycles, reason = EXCLUDED.reason, version = EXCLUDED.version,"
        " updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by",
        (
            e.sprints,
            e.cycles,
            e.reason,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.originator_id,
        ),
    )


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    Sprint.Created: sprint_created,
    Sprint.ItemPlanned: item_planned,
    Sprint.ItemUnplanned: item_unplanned,
    Sprint.Started: sprint_started,
    Sprint.Closed: sprint_closed,
    Workspace.ZombieThresholdsSet: zombie_thresholds_set,
}
