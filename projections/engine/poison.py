"""Poison events: events a view can never apply, told apart from failures worth retrying.

A poison event fails the same way every time it is applied (its data does not fit the read
model, or it cannot be decoded): retrying it only spins. A transient failure (a lost connection,
a serialization failure, a concurrent leader) may pass on the next attempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from eventsourcing import persistence
from eventsourcing.utils import TopicError

REASON_LENGTH = 200
# Python errors raised while decoding or applying one event: the same event raises them again.
_DETERMINISTIC = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, TopicError)


@dataclass(frozen=True)
class PoisonEvent:
    """Where a view stopped and why (no row data: the reason names the error only)."""

    view_name: str
    position: int  # the event's notification id
    topic: str
    originator_id: str
    reason: str


class PoisonEventError(Exception):
    def __init__(self, poison: PoisonEvent, error: BaseException) -> None:
        super().__init__(
            f"view {poison.view_name} cannot apply event {poison.position} "
            f"({poison.topic}, {poison.originator_id}): {poison.reason}"
        )
        self.poison = poison
        # Kept apart from __cause__: the library's runner re-raises thread errors `from None`.
        self.error = error


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_poison(exc: BaseException) -> bool:
    """Whether applying the same event again would fail the same way."""
    for e in _chain(exc):
        if isinstance(e, psycopg.DataError | persistence.DataError):
            return True  # NUL in text, numeric out of range, untranslatable character…
        if isinstance(e, psycopg.IntegrityError):
            # A constraint of the view's own tables; the tracking table's means another leader.
            table = e.diag.table_name or ""
            return not table.endswith("_tracking")
        if isinstance(e, psycopg.Error | persistence.PersistenceError | OSError):
            return False  # connections, serialization failures, pool timeouts: retry
    return isinstance(exc, _DETERMINISTIC)


def reason_of(exc: BaseException) -> str:
    """A short reason: the error's class and primary message, cut before any quoted value."""
    for e in _chain(exc):
        if isinstance(e, psycopg.Error):
            message = e.diag.message_primary or str(e).splitlines()[0]
            state = f" (SQLSTATE {e.sqlstate})" if e.sqlstate else ""
            text = f"{type(e).__name__}{state}: {message.split(chr(34))[0].rstrip(': ')}"
            return text[:REASON_LENGTH]
    return type(exc).__name__  # Python errors' messages may quote event data: the class only


def poison_of(
    exc: BaseException, view_name: str, position: int, topic: str, originator_id: object
) -> PoisonEventError:
    return PoisonEventError(
        PoisonEvent(view_name, position, topic, str(originator_id), reason_of(exc)), exc
    )
