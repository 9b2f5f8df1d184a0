"""The event store's recorder: the library's PostgreSQL application recorder, with concurrent
small saves committed together (projections.engine.group_commit), the events' INSERT sent as
four binary arrays, and large writes sent without pipeline mode.

eventsourcing 9.5.6 inserts events as one array of a composite type, which psycopg dumps as
text in Python while the transaction (holding the table lock) is open: 35,000 events of a CSV
import took seconds to dump, and past the library's 5 s idle-in-transaction timeout PostgreSQL
ended the connection. The same INSERT … SELECT FROM unnest of one binary array per column is
dumped by psycopg's C code in milliseconds.

Measured here, a save whose events hold more than a few hundred kilobytes (an exercise opening
for 300+ participants, each with its MaxDiff sets; a large CSV import) waits forever in
`pipeline.sync()` while the server sits in ClientRead. The same statements outside a pipeline
go through. Small saves keep the pipeline, which saves round trips on the hot path; the
ordering guarantees (LOCK TABLE … IN EXCLUSIVE MODE, NOTIFY, one transaction) are the library's
own statements in both cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
    Subscription,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from okrank.projections.engine.group_commit import GroupCommit, Saves
from okrank.projections.engine.schema_lock import CreatesTablesInTurn
from okrank.projections.engine.shared_log import SharedLog

PIPELINE_LIMIT_BYTES = 64 * 1024  # above this, one plain transaction instead of a pipeline


class OkrankApplicationRecorder(CreatesTablesInTurn, PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.insert_columns_statement = self._on_events_table(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            " SELECT * FROM unnest(%b::uuid[], %b::int8[], %b::text[], %b::bytea[])"
            " RETURNING notification_id"
        )
        self.existing_versions_statement = self._on_events_table(
            "SELECT originator_id, originator_version FROM {schema}.{table}"
            " WHERE (originator_id, originator_version) IN"
            " (SELECT * FROM unnest(%b::uuid[], %b::int8[]))"
        )
        self.groups = GroupCommit(
            self._insert_group, super().insert_events, self._insert_group_checked
        )

    def _on_events_table(self, statement: str) -> Composed:
        return SQL(statement).format(  # type: ignore[arg-type]
            schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name)
        )

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if sum(len(e.state) for e in stored_events) > PIPELINE_LIMIT_BYTES:
            return self._insert_without_pipeline(stored_events, **kwargs)
        if not stored_events or any(v is not None for v in kwargs.values()):
            # Nothing to insert, or something else to record with it (a process
            # application's tracking): the library's own transaction.
            return super().insert_events(stored_events, **kwargs)
        return self.groups.insert(stored_events)

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Subscription[Any]:
        """The views read the whole log (no topics): one shared pull per process feeds them
        all (projections.engine.shared_log); a topic filter gets the library's own."""
        if topics:
            return super().subscribe(gt=gt, topics=topics)
        return SharedLog.reader(self, gt)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library
    def _insert_group(self, saves: Saves) -> list[Sequence[int] | None]:
        """Several saves in one pipelined transaction: one lock and NOTIFY, an INSERT each.

        A failure leaves through the transaction (a rollback), not after it as the library's
        one-INSERT path does: with several INSERTs a version conflict's answer can arrive
        while a later INSERT is sent, and a transaction left normally then tries to commit
        the aborted pipeline, which raises PipelineAborted, an OperationalError that the
        retry above would wait 0.2 s for, up to ten times, instead of the IntegrityError
        that sends the group to its re-check (measured with two API processes: p99 of
        0.5–1.5 s, in steps of 0.2 s)."""
        ids: list[Sequence[int] | None] = []
        cursors: list[Cursor[DictRow]] = []
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline() as pipeline, conn.transaction():
                    with conn.cursor() as curs:
                        self._lock_and_notify(curs)
                    for events in saves:
                        cursors.append(curs := conn.cursor())
                        self._insert_columns(curs, events)
                    pipeline.sync()  # a version conflict raises IntegrityError by here
                    for curs, events in zip(cursors, saves, strict=True):
                        ids.append(self._fetch_ids_after_insert_events(curs, events))
            finally:
                for curs in cursors:
                    curs.close()
        return ids

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library
    def _insert_group_checked(self, saves: Saves) -> list[Sequence[int] | IntegrityError | None]:
        """Several saves in one transaction, those that would meet a version already stored
        (or taken by an earlier save of the group) refused and the rest committed: the table
        lock keeps other writers out between the check and the inserts."""
        keys = [(e.originator_id, e.originator_version) for events in saves for e in events]
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_and_notify(curs)
            curs.execute(
                self.existing_versions_statement,
                ([k[0] for k in keys], [k[1] for k in keys]),
                prepare=True,
            )
            taken = {(row["originator_id"], row["originator_version"]) for row in curs}
            outcomes: list[Sequence[int] | IntegrityError | None] = []
            for events in saves:
                mine = {(e.originator_id, e.originator_version) for e in events}
                if mine & taken:
                    outcomes.append(IntegrityError("version already stored (group re-check)"))
                    continue
                taken |= mine
                self._insert_columns(curs, events)
                outcomes.append(self._fetch_ids_after_insert_events(curs, events))
        return outcomes

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

    def _insert_stored_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **_: Any
    ) -> None:
        """The library's lock and NOTIFY, then the events as columns (both paths)."""
        self._lock_and_notify(curs)
        self._insert_columns(curs, stored_events)

    def _lock_and_notify(self, curs: Cursor[DictRow]) -> None:
        """What every append does first, whatever it inserts: the library's table lock (gap-free
        notification ids in commit order) and its NOTIFY to the log's followers."""
        self._lock_table(curs)
        self._notify_channel(curs)

    def _insert_columns(self, curs: Cursor[DictRow], events: Sequence[StoredEvent]) -> None:
        curs.execute(self.insert_columns_statement, _columns(events), prepare=True)


def _columns(events: Sequence[StoredEvent]) -> tuple[list[Any], ...]:
    return (
        [e.originator_id for e in events],
        [e.originator_version for e in events],
        [e.topic for e in events],
        [e.state for e in events],
    )


class OkrankSnapshotRecorder(CreatesTablesInTurn, PostgresAggregateRecorder):
    """The library's aggregate recorder (the snapshot store), creating its table in turn."""


class OkrankPersistence(PostgresFactory):
    """The library's PostgreSQL persistence with okrank's recorders (PERSISTENCE_MODULE)."""

    aggregate_recorder_class = OkrankSnapshotRecorder
    application_recorder_class = OkrankApplicationRecorder
