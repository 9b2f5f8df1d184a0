"""Query arguments that reach SQL: each bad value is a BAD_USER_INPUT error, never a fault.

PostgreSQL refuses text with NUL (and UTF-8 cannot carry a lone surrogate); asyncpg converts an
aware datetime to UTC, which overflows for 0001-01-01T00:00:00+14:00. Unchecked, each surfaced as
an unhandled fault ("Internal error.") although the client sent the bad value.
"""

from __future__ import annotations

from datetime import UTC, datetime

from okrank.api.graphql.ids import bad_input
from okrank.domain.text import unstorable_character


def text_argument(name: str, value: str | None) -> str | None:
    """`value`, unless it holds a character no text column can hold."""
    if value is not None and (problem := unstorable_character(value)) is not None:
        raise bad_input(f"{name} {problem}")
    return value


def datetime_argument(name: str, value: datetime | None) -> datetime | None:
    """`value` in UTC (a value without an offset is read as UTC, not as the server's local
    time); one that falls outside the datetime range in UTC is bad input."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise bad_input(f"{name} is out of range once converted to UTC") from None
