"""Writing history that happened in the past: events recorded through the real application
in-process, each stamped with a chosen moment instead of now.

A quarterly review needs a cycle that has ended, with items done and key results checked in
during it; such a cycle cannot be lived through in a test. The application here is the real
one over the real event store; only the library's clock (`datetime_now_with_tzinfo`, which
stamps every new event) answers the moment given. Nothing in okrank can set its own clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import eventsourcing.domain


@contextmanager
def events_stamped(moment: datetime) -> Iterator[None]:
    """Every event created inside the block is stamped `moment` (aware, UTC or not)."""
    real = eventsourcing.domain.datetime_now_with_tzinfo
    eventsourcing.domain.datetime_now_with_tzinfo = lambda: moment
    try:
        yield
    finally:
        eventsourcing.domain.datetime_now_with_tzinfo = real
