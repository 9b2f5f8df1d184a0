"""Which failures are poison events (stop the view) and which are transient (retry)."""

from __future__ import annotations

import json

import psycopg
from eventsourcing import persistence

from okrank.projections.engine.poison import is_poison, reason_of


def raised(exc: BaseException, cause: BaseException | None = None) -> BaseException:
    """`exc` as raised `from cause`, so its chain is the one the library builds."""
    try:
        raise exc from cause
    except BaseException as e:
        return e


def test_data_errors_and_decode_errors_are_poison():
    assert is_poison(psycopg.errors.NumericValueOutOfRange("integer out of range"))
    assert is_poison(psycopg.errors.UntranslatableCharacter("x"))
    assert is_poison(psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    wrapped = raised(
        persistence.DataError("integer out of range"),
        psycopg.errors.NumericValueOutOfRange("integer out of range"),
    )
    assert is_poison(wrapped)
    assert is_poison(raised(persistence.MapperDeserialisationError("bad"), json.JSONDecodeError))
    assert is_poison(KeyError("field"))


def test_lost_connections_serialization_failures_and_tracking_conflicts_are_transient():
    assert not is_poison(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert not is_poison(psycopg.errors.SerializationFailure("could not serialize access"))
    assert not is_poison(
        raised(persistence.OperationalError("lost"), psycopg.OperationalError("lost"))
    )
    assert not is_poison(persistence.IntegrityError("Failed to record tracking for okrank 7"))
    assert not is_poison(OSError("connection refused"))
    assert not is_poison(TimeoutError())


def test_a_reason_names_the_error_without_the_values_it_quotes():
    error = psycopg.errors.InvalidTextRepresentation('invalid input syntax for type uuid: "x"')
    assert reason_of(error) == (
        "InvalidTextRepresentation (SQLSTATE 22P02): invalid input syntax for type uuid"
    )
    assert reason_of(KeyError("secret value")) == "KeyError"
