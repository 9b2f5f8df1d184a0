"""The event store's recorder: the library's PostgreSQL application recorder, with large writes
sent without pipeline mode.

eventsourcing 9.5.6 inserts events inside a psycopg pipeline. Measured here, a save whose events
hold more than a few hundred kilobytes (an exercise opening for 300+ participants, each with its
MaxDiff sets; a large CSV import) waits forever in `pipeline.sync()` while the server sits in
ClientRead. The same statements outside a pipeline go through. Small saves keep the pipeline,
which saves round trips on the hot path; the ordering guarantees (LOCK TABLE … IN EXCLUSIVE
MODE, NOTIFY, one transaction) are the library's own statements in both cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

PIPELINE_LIMIT_BYTES = 64 * 1024  # above this, one plain transaction instead of a pipeline


class OkrankApplicationRecorder(PostgresApplicationRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if sum(len(e.state) for e in stored_events) <= PIPELINE_LIMIT_BYTES:
            return super().insert_events(stored_events, **kwargs)
        return self._insert_without_pipeline(stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library
    def _insert_without_pipeline(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self.datastore.get_connection() as conn, conn.transaction():
            with conn.cursor() as curs:
                self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return []
            with conn.cursor() as curs:
                self._insert_stored_events(curs, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
