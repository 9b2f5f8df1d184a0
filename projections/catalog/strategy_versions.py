"""Catalog handlers of the events whose state the strategy view holds (an objective's or an
item's theme, a discovery mark): the catalog row still moves to the aggregate's new version,
which clients pass back as `expectedVersion`. Nothing here moves a ranking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.okrs.objective import Objective
from okrank.projections.catalog.batch import CatalogBatch


def objective_touched(b: CatalogBatch, e: Any, pos: int) -> None:
    b.curs.execute(
        "UPDATE objectives SET version = %s, updated_at = %s WHERE id = %s",
        (e.originator_version, e.timestamp, e.originator_id),
    )


def item_touched(b: CatalogBatch, e: Any, pos: int) -> None:
    b.touch_item(e)


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    Objective.ThemeSet: objective_touched,
    Objective.DiscoveryMarked: objective_touched,
    BacklogItem.ThemeSet: item_touched,
}
