"""The base of every read model: a PostgreSQL tracking recorder that owns some tables.

Each batch of events is applied in one transaction together with its tracking record, so a crash
neither skips nor repeats an event. The same transaction NOTIFYs the new position, which is how API
processes learn that a write has become readable (read-your-writes) without polling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic
from psycopg import Cursor
from psycopg.sql import SQL, Identifier

PROGRESS_CHANNEL = "okrank_progress"

Handler = Callable[[Cursor[Any], Any, int], None]


class ReadModelView(PostgresTrackingRecorder):
    """Subclasses set `view_name`, `tables` (DDL, dropped in reverse on rebuild) and `handlers`."""

    view_name: ClassVar[str]
    tables: ClassVar[dict[str, str]]  # table name → CREATE statement (plus index statements)
    # Logs of what was published (not derivable state): a rebuild keeps them as they are.
    kept_on_rebuild: ClassVar[frozenset[str]] = frozenset()
    indexes: ClassVar[list[str]] = []
    handlers: ClassVar[dict[type, Handler]]

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        # The library's factory names the tracking table after the projection ("<name>_tracking").
        kwargs.setdefault("tracking_table_name", f"{self.view_name}_tracking")
        super().__init__(datastore, **kwargs)
        for ddl in [*self.tables.values(), *self.indexes]:
            self.sql_create_statements.append(SQL(ddl))  # type: ignore[arg-type]

    @classmethod
    def topics(cls) -> tuple[str, ...]:
        return tuple(get_topic(t) for t in cls.handlers)

    def apply(self, batch: Sequence[tuple[Any, Tracking]], rebuilding: bool = False) -> None:
        """Apply events in order and record the last one's tracking, atomically.

        `rebuilding`: a replay of the whole log, where a view may defer work to the end of the
        batch (`finish_batch`) and publishes nothing.
        """
        if not batch:
            return
        try:
            self._apply(batch, rebuilding)
        except BaseException:
            self.abort_batch()
            raise

    def _apply(self, batch: Sequence[tuple[Any, Tracking]], rebuilding: bool) -> None:
        with self.datastore.transaction(commit=True) as curs, curs.connection.pipeline():
            # Pipeline mode: statements whose results are not read travel without waiting.
            # No fsync wait at commit: a read model is derived data whose tracking record
            # commits with it, so after a database crash the view resumes from its last durable
            # position and replays the same events to the same rows (and outbox cursors).
            curs.execute("SET LOCAL synchronous_commit = off")
            self.start_batch(rebuilding)
            for domain_event, tracking in batch:
                handler = self.handlers.get(type(domain_event))
                if handler is not None:
                    handler(curs, domain_event, tracking.notification_id)
            self.finish_batch(curs)
            last = batch[-1][1]
            # A fresh cursor: in pipeline mode the handlers' cursor may still hold results.
            self._insert_tracking(curs.connection.cursor(), last)
            curs.execute(
                "SELECT pg_notify(%s, %s)",
                (PROGRESS_CHANNEL, f"{self.view_name}:{last.notification_id}"),
            )

    def start_batch(self, rebuilding: bool) -> None:
        """Hook: called before a batch's events."""

    def finish_batch(self, curs: Cursor[Any]) -> None:
        """Hook: called after a batch's events, in the same transaction."""

    def abort_batch(self) -> None:
        """Hook: the batch failed and its transaction rolled back."""

    def drop(self) -> None:
        """Drop the view's tables and its tracking table (for a rebuild)."""
        with self.datastore.transaction(commit=True) as curs:
            dropped = [t for t in reversed(self.tables) if t not in self.kept_on_rebuild]
            for table in [*dropped, self.tracking_table_name]:
                curs.execute(SQL("DROP TABLE IF EXISTS {} CASCADE").format(Identifier(table)))


class ViewProjection(Projection[ReadModelView]):
    """Feeds each event to its view; the view decides what it means."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        self.view.apply([(domain_event, tracking)])
