"""What the catalog's handlers work with in one batch (one transaction): the cursor, and the
state that lives longer than one event, passed to every handler rather than kept in globals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from psycopg import Cursor

from okrank.projections.catalog.item_workspaces import ItemWorkspaces
from okrank.projections.catalog.new_items import NewItems
from okrank.projections.rankings.ranking_changes import RankIndex


@dataclass
class CatalogBatch:
    curs: Cursor[Any]
    workspaces: ItemWorkspaces  # the view's: which workspace each item is in
    # Live: the view's rank index, through which changes are published to the outbox.
    # Rebuilding: None, nothing is published (the outbox keeps what was published when the
    # events were new) and rankings are recomputed once, at the end, for the items touched.
    index: RankIndex | None
    deferred: dict[str, set[UUID]] | None = field(default=None)  # workspace → items, rebuilding
    # Rebuilding: the workspaces whose coverage tallies are counted afresh when the replay ends.
    coverage_workspaces: set[str] = field(default_factory=set)
    # Items created in this batch, not written yet (okrank.projections.catalog.new_items).
    new_items: NewItems = field(default_factory=NewItems)
    # The batch's events and positions, so a handler can read ahead (stored_items.load).
    events: Sequence[tuple[Any, int]] = ()

    @classmethod
    def open(
        cls,
        curs: Cursor[Any],
        workspaces: ItemWorkspaces,
        index: RankIndex,
        rebuilding: bool,
        events: Sequence[tuple[Any, int]] = (),
    ) -> CatalogBatch:
        if rebuilding:
            return cls(curs, workspaces, None, {}, events=events)
        return cls(curs, workspaces, index, events=events)

    def coming(self, event_types: tuple[type, ...], position: int) -> list[Any]:
        """The batch's events of `event_types` from `position` on."""
        return [e for e, pos in self.events if pos >= position and type(e) in event_types]

    @property
    def rebuilding(self) -> bool:
        return self.index is None

    def item_workspace(self, item_id: UUID) -> str:
        workspace = self.workspaces.find(self.curs, item_id)
        if workspace is None:  # an event of an item never created: it can never apply
            raise LookupError(f"backlog item {item_id} is not in the catalog")
        return workspace

    def touch_item(self, e: Any) -> None:
        """An item event's version and time on the item's row."""
        self.curs.execute(
            "UPDATE backlog_items SET version = %s, updated_at = %s WHERE id = %s",
            (e.originator_version, e.timestamp, e.originator_id),
        )

    def touch_objective(self, e: Any) -> str:
        """An objective event's version and time on the objective's row; its workspace."""
        return self.curs.execute(
            "UPDATE objectives SET version = %s, updated_at = %s WHERE id = %s RETURNING workspace",
            (e.originator_version, e.timestamp, e.originator_id),
        ).fetchone()["workspace"]
