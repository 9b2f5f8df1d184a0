"""Verify a workspace's audit chain against the event store, and read its head.

Both the chain and the stored events are read through server-side cursors in one REPEATABLE
READ transaction: one consistent snapshot, constant memory for any length. Only events up to
the chain view's tracking position are checked (later ones are not chained yet).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from okrank.domain.audit.chain import Head, StoredEventRow, genesis
from okrank.domain.audit.verification import ChainEntry, Verification, verify
from okrank.projections.audit.chain_view import EVENTS_TABLE, AuditChainView

FETCH_ROWS = 2000  # rows per round trip of each cursor
TRACKING = SQL("SELECT notification_id FROM {} WHERE application_name = 'okrank'").format(
    Identifier(f"{AuditChainView.view_name}_tracking")
)
ENTRIES = """
    SELECT seq, position, originator_id, originator_version, digest, link FROM audit_chain
    WHERE workspace = %s ORDER BY seq"""
STORED = SQL(
    "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state"
    " FROM {} AS e JOIN audit_originators AS o ON o.originator_id = e.originator_id"
    " WHERE o.workspace = %s AND e.notification_id <= %s ORDER BY e.notification_id"
).format(Identifier(EVENTS_TABLE))
HEAD = "SELECT seq, link FROM audit_chain WHERE workspace = %s ORDER BY seq DESC LIMIT 1"


class AuditChainNotStarted(RuntimeError):
    """The audit chain view has not run yet on this database (no projections ran)."""


def head(conn: psycopg.Connection[Any], workspace: str) -> Head:
    """The workspace's current head (0 events: the genesis link, for a workspace never seen)."""
    try:
        row = conn.cursor(row_factory=tuple_row).execute(HEAD, (workspace,)).fetchone()
    except psycopg.errors.UndefinedTable as exc:
        raise AuditChainNotStarted("the audit chain has not been built yet") from exc
    return Head(row[0], bytes(row[1])) if row else Head(0, genesis(workspace))


def verify_workspace(
    conn: psycopg.Connection[Any], workspace: str, expected_head: Head | None = None
) -> Verification:
    """Recompute the workspace's chain from the event store and compare (see domain.audit)."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try:
            tracked = conn.cursor(row_factory=tuple_row).execute(TRACKING).fetchone()
        except psycopg.errors.UndefinedTable as exc:
            raise AuditChainNotStarted("the audit chain has not been built yet") from exc
        position = tracked[0] if tracked else 0
        return verify(
            workspace,
            (
                ChainEntry(s, p, o, v, bytes(d), bytes(k))
                for s, p, o, v, d, k in _rows(conn, ENTRIES, (workspace,), "audit_entries")
            ),
            (
                StoredEventRow(p, o, v, t, bytes(s))
                for p, o, v, t, s in _rows(conn, STORED, (workspace, position), "audit_stored")
            ),
            expected_head,
        )


def _rows(
    conn: psycopg.Connection[Any], query: Any, params: tuple[Any, ...], name: str
) -> Iterator[Any]:
    # Tuples whatever the connection's row factory (the event store's pool returns dicts).
    with conn.cursor(name=name, row_factory=tuple_row) as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(query, params)
        yield from cursor
