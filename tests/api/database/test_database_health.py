"""Which failures mean "the database is unavailable" (a pure function over exceptions)."""

from __future__ import annotations

import asyncpg
import psycopg
import pytest
from eventsourcing import persistence

from okrank.api.database.health import is_unavailable


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(),
        FileNotFoundError(),
        TimeoutError(),
        psycopg.OperationalError("server closed the connection unexpectedly"),
        persistence.OperationalError("consuming input failed"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.InterfaceError("connection is closed"),
    ],
)
def test_connection_failures_count_as_the_database_being_unavailable(exc):
    assert is_unavailable(exc)
    wrapped = RuntimeError("while reading")
    wrapped.__cause__ = exc
    assert is_unavailable(wrapped)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad input"),
        psycopg.errors.UniqueViolation(),
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    ],
)
def test_other_failures_do_not_count_as_the_database_being_unavailable(exc):
    assert not is_unavailable(exc)
