"""Read a workspace's audit trail for export: its chained events in log order, with links.

The chain (audit_chain) and the stored rows (the event store) are joined and read through one
server-side cursor in a REPEATABLE READ transaction: one consistent snapshot, constant memory
for any length. Only chained events are exported (each needs its link); a row changed or
deleted in the store since it was chained is exported as it is now, so the file's own check
(domain.audit.export_verification) finds it.

`since`/`until` select a stretch of the log, not scattered events: from the first event
recorded at or after `since` up to the last one before the first recorded after `until`. So a
file is always a run of consecutive links, verifiable on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg
from eventsourcing.persistence import Mapper
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from okrank.domain.audit.chain import StoredEventRow, genesis
from okrank.domain.audit.changes import decode_change
from okrank.domain.audit.export_format import record
from okrank.projections.audit.chain_view import EVENTS_TABLE

FETCH_ROWS = 2000  # rows per round trip of the cursor
CHAINED = SQL(
    "SELECT c.seq, c.position, e.originator_id, e.originator_version, e.topic, e.state, c.link"
    " FROM audit_chain AS c JOIN {} AS e ON e.notification_id = c.position"
    " WHERE c.workspace = %s ORDER BY c.seq"
).format(Identifier(EVENTS_TABLE))
COUNT = "SELECT count(*) FROM audit_chain WHERE workspace = %s"


def chained_events(conn: psycopg.Connection[Any], workspace: str) -> int:
    """How many of the workspace's events are chained (the most an export holds)."""
    return conn.cursor(row_factory=tuple_row).execute(COUNT, (workspace,)).fetchone()[0]


def export_records(
    conn: psycopg.Connection[Any],
    mapper: Mapper[Any],
    workspace: str,
    since: datetime | None = None,
    until: datetime | None = None,
    withheld: frozenset[str] = frozenset(),
    scanned: Any = None,
) -> Iterator[dict[str, Any]]:
    """The workspace's export records in log order; `scanned(n)` is told of each n rows read
    (a progress bar), those before `since` included."""
    previous = genesis(workspace)
    with (
        conn.transaction(),
        conn.cursor(name="audit_export", row_factory=tuple_row) as cursor,
    ):
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.itersize = FETCH_ROWS
        cursor.execute(CHAINED, (workspace,))
        for seq, position, originator_id, version, topic, state, link in cursor:
            row = StoredEventRow(position, originator_id, version, topic, bytes(state))
            link = bytes(link)
            change = decode_change(mapper, row)
            if scanned is not None:
                scanned(1)
            if until is not None and change.at > until:
                return
            if since is None or change.at >= since:
                yield record(workspace, seq, row, previous, link, change, withheld)
            previous = link
