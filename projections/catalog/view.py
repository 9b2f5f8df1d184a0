"""The catalog view: current objectives, key results, backlog items, tags and rankings.

Rankings live here rather than in a view of their own because they are a function of everything
else in the catalog; keeping them in the same transaction means a ranking never disagrees with the
items it ranks. The handlers are by concept (okrs, backlog, exercises); each receives the
batch (okrank.projections.catalog.batch) with the cursor and the view's longer-lived state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from psycopg import Cursor

from okrank.projections.catalog import (
    backlog,
    check_ins,
    coverage_tallies,
    exercises,
    okr_changes,
    okrs,
    review_tables,
    reviews,
    sprint_tables,
    sprints,
    strategy_versions,
    triages,
)
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.item_workspaces import ItemWorkspaces
from okrank.projections.catalog.rankings import flush_new_items, recompute_deferred
from okrank.projections.catalog.tables import INDEXES, TABLES
from okrank.projections.engine.view import ReadModelView, ViewProjection
from okrank.projections.exercises import view as exercise_tables
from okrank.projections.rankings.ranking_changes import INDEXES as CHANGE_INDEXES
from okrank.projections.rankings.ranking_changes import TABLE as CHANGE_TABLE
from okrank.projections.rankings.ranking_changes import RankIndex

Handler = Callable[[CatalogBatch, Any, int], None]


def new_items_written_first(handler: Handler) -> Handler:
    """A handler that reads or writes the tables by SQL: the batch's new items are written
    before it (okrank.projections.catalog.new_items), so it sees them as they are now."""

    def handle(b: CatalogBatch, e: Any, pos: int) -> None:
        flush_new_items(b)
        handler(b, e, pos)

    return handle


class CatalogView(ReadModelView):
    view_name = "catalog"
    tables = {
        **TABLES,
        **check_ins.TABLES,
        **triages.TABLES,
        **exercise_tables.TABLES,
        "ranking_changes": CHANGE_TABLE,
        "okr_changes": okr_changes.TABLE,
        **sprint_tables.TABLES,
        **review_tables.TABLES,
        **coverage_tallies.TABLES,
    }
    indexes = (
        INDEXES
        + check_ins.INDEXES
        + okr_changes.INDEXES
        + sprint_tables.INDEXES
        + review_tables.INDEXES
        + exercise_tables.INDEXES
        + CHANGE_INDEXES
    )
    kept_on_rebuild = frozenset({"ranking_changes", "okr_changes"})
    pipelined_rebuild = False  # a rebuild writes new items with COPY (new_items)
    handlers = {
        **{
            event: new_items_written_first(handler)
            for module in (
                okrs,
                check_ins,
                triages,
                exercises,
                sprints,
                strategy_versions,
                reviews,
            )
            for event, handler in module.HANDLERS.items()
        },
        **backlog.HANDLERS,  # these change the batch's new items in memory (new_items)
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rank_index = RankIndex()
        self.workspaces = ItemWorkspaces("SELECT workspace FROM backlog_items WHERE id = %s")
        self.warmed = False
        self.events: Sequence[tuple[Any, int]] = ()
        # Rebuilding: the workspaces whose coverage tallies are counted once the replay ends.
        self.coverage_workspaces: set[str] = set()

    def apply(self, batch: Sequence[tuple[Any, Tracking]], rebuilding: bool = False) -> None:
        # Kept for the batch's handlers to read ahead (okrank.projections.catalog.stored_items).
        self.events = [(e, t.notification_id) for e, t in batch]
        try:
            super().apply(batch, rebuilding)
        finally:
            self.events = ()

    def open_batch(self, curs: Cursor[Any], rebuilding: bool) -> CatalogBatch:
        if not rebuilding and not self.warmed:
            self.warmed = True
            self._warm_item_workspaces()
            coverage_tallies.fill_if_missing(curs)
        return CatalogBatch.open(curs, self.workspaces, self.rank_index, rebuilding, self.events)

    def _warm_item_workspaces(self) -> None:
        """Learn the newest items' workspaces once, when the view starts leading, on a
        connection of its own: otherwise the first event of each item asks for it in the
        middle of its transaction, a round trip on the projection's critical path."""
        with self.datastore.transaction(commit=False) as curs:
            rows = curs.execute(
                "SELECT id, workspace FROM backlog_items ORDER BY seq DESC LIMIT %s",
                (self.workspaces.size,),
            ).fetchall()
        self.workspaces.warm((row["id"], row["workspace"]) for row in reversed(rows))

    def close_batch(self, batch: CatalogBatch) -> None:
        flush_new_items(batch)
        recompute_deferred(batch)  # rebuilding: of the items written before this batch
        # Rebuilding: counted once at the end of the replay (finish_replay), not per batch: a
        # count reads the whole workspace, so per batch it cost O(items²) over a rebuild.
        self.coverage_workspaces |= batch.coverage_workspaces

    def abort_batch(self) -> None:
        self.rank_index.clear()  # the transaction rolled back: the lists may be ahead of it

    def finish_replay(self) -> None:
        workspaces, self.coverage_workspaces = self.coverage_workspaces, set()
        with self.datastore.transaction(commit=True) as curs:
            coverage_tallies.count_workspaces(curs, workspaces)


class CatalogProjection(ViewProjection):
    name = "catalog"
