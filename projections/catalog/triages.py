"""Catalog handler and table of triages: each item's last triage decision per cycle
(BacklogItem.Triaged), what the tagging session reads. A triage stored before Triaged existed
(a StatusChanged alone) names no cycle and leaves no row here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrank.domain.backlog.item import BacklogItem
from okrank.projections.catalog.batch import CatalogBatch

TABLES = {
    "item_triages": """
        CREATE TABLE IF NOT EXISTS item_triages (
            item_id uuid NOT NULL, cycle text NOT NULL, workspace text NOT NULL,
            decision text NOT NULL, reason text NOT NULL, triaged_at timestamptz NOT NULL,
            triaged_by text NOT NULL,
            PRIMARY KEY (item_id, cycle))""",
}


def item_triaged(b: CatalogBatch, e: BacklogItem.Triaged, pos: int) -> None:
    b.curs.execute(
        "INSERT INTO item_triages VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (item_id, cycle) DO UPDATE SET decision = EXCLUDED.decision,"
        " reason = EXCLUDED.reason, triaged_at = EXCLUDED.triaged_at,"
        " triaged_by = EXCLUDED.triaged_by",
        (
            e.originator_id,
            e.cycle,
            b.item_workspace(e.originator_id),
            e.decision,
            e.reason,
            e.timestamp,
            e.actor,
        ),
    )
    b.touch_item(e)


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    BacklogItem.Triaged: item_triaged,
}
