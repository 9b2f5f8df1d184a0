"""Catalog handlers of workspace and objective events: multipliers, objectives, key results.
An objective's activation or close, and a recalibration, move the rankings they touch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrank.domain.okrs.objective import Objective
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.workspaces.workspace import Workspace
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.coverage_tallies import recount
from okrank.projections.catalog.rankings import recompute_rankings
from okrank.projections.rankings.causes import cause_of


def workspace_created(b: CatalogBatch, e: Workspace.Created, pos: int) -> None:
    d = Multipliers()
    b.curs.execute(
        "INSERT INTO workspaces VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '')",
        (
            e.originator_id,
            e.name,
            d.direct,
            d.indirect,
            d.untagged,
            e.originator_version,
            e.timestamp,
            e.actor,
        ),
    )


def multipliers_recalibrated(
    b: CatalogBatch, e: Workspace.MultipliersRecalibrated, pos: int
) -> None:
    workspace = b.curs.execute(
        "UPDATE workspaces SET direct = %s, indirect = %s, untagged = %s, version = %s,"
        " updated_at = %s, updated_by = %s, reason = %s, evidence_review_ids = %b::uuid[]"
        " WHERE id = %s RETURNING workspace",
        (
            e.direct,
            e.indirect,
            e.untagged,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.reason,
            e.evidence_review_ids,
            e.originator_id,
        ),
    ).fetchone()["workspace"]
    items = b.curs.execute("SELECT id FROM backlog_items WHERE workspace = %s", (workspace,))
    recompute_rankings(b, workspace, [r["id"] for r in items.fetchall()], cause_of(e, pos))


def objective_created(b: CatalogBatch, e: Objective.Created, pos: int) -> None:
    b.curs.execute(
        "INSERT INTO objectives VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'DRAFT', %s, %s, %s,"
        " %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.cycle,
            e.title,
            e.description,
            e.level,
            e.team,
            e.parent_id,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )


def objective_status(status: str) -> Callable[[CatalogBatch, Any, int], None]:
    """The handler of an event that sets the objective's status: its tagged items re-rank."""

    def handle(b: CatalogBatch, e: Any, pos: int) -> None:
        affected = [
            r["item_id"]
            for r in b.curs.execute(
                "SELECT item_id FROM item_tags WHERE objective_id = %s", (e.originator_id,)
            )
        ]

        def change() -> None:
            row = b.curs.execute(
                "UPDATE objectives SET status = %s, version = %s, updated_at = %s WHERE id = %s"
                " RETURNING workspace",
                (status, e.originator_version, e.timestamp, e.originator_id),
            ).fetchone()
            recompute_rankings(b, row["workspace"], affected, cause_of(e, pos))

        recount(b, affected, change)  # the tagged items' coverage classes follow the status

    return handle


def key_result_added(b: CatalogBatch, e: Objective.KeyResultAdded, pos: int) -> None:
    workspace = b.touch_objective(e)
    b.curs.execute(
        "INSERT INTO key_results VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            e.key_result_id,
            e.originator_id,
            workspace,
            pos,
            e.metric,
            e.unit,
            e.baseline,
            e.target,
            e.output_style,
            e.timestamp,
        ),
    )


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    Workspace.Created: workspace_created,
    Workspace.MultipliersRecalibrated: multipliers_recalibrated,
    Objective.Created: objective_created,
    Objective.KeyResultAdded: key_result_added,
    Objective.Activated: objective_status("ACTIVE"),
    Objective.Closed: objective_status("CLOSED"),
}
