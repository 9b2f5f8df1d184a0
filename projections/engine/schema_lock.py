"""One process at a time creates okrank's tables.

PostgreSQL's `CREATE … IF NOT EXISTS` is not safe against itself: two sessions creating the
same table or type at once both pass the check, and the second fails on the catalog's unique
index ("duplicate key value violates unique constraint pg_type_typname_nsp_index") or with
"tuple concurrently updated". Processes started together on a fresh database (`okrank serve
--workers 2`, an API beside `okrank project`, a view's worker beside the API's application) do
exactly that, so every creation of okrank's tables takes this session advisory lock first.

The lock is taken on a connection of its own: the creation's transactions use the store's pool,
which may have a single connection. Whoever holds the lock must not take it again on another
connection (PostgreSQL would make it wait for itself): callers take it only around creation.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore

from okrank.projections.engine.own_connection import own_connection

SCHEMA_LOCK = zlib.crc32(b"okrank:schema")


@contextmanager
def schema_lock_on(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Hold the schema lock on `conn` (autocommit) for the block."""
    conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


@contextmanager
def schema_lock(datastore: PostgresDatastore) -> Iterator[None]:
    """Hold the schema lock for the block, on a connection to `datastore`'s database."""
    with own_connection(datastore) as conn, schema_lock_on(conn):
        yield


class CreatesTablesInTurn:
    """First base of a PostgreSQL recorder: its `create_table` holds the schema lock."""

    datastore: PostgresDatastore

    def create_table(self) -> None:
        with schema_lock(self.datastore):
            super().create_table()  # type: ignore[misc]
