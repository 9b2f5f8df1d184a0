"""The application's repository: the library's, plus a read of the aggregate cache that trusts
it, for commands whose save will tell if it was behind.

With several processes writing one store, the library fast-forwards a cached aggregate at
every `get` (one SELECT of the events after its cached version) and does not cache what a
command saves. A command that changes one aggregate needs neither: its save is checked against
the store's versions (an IntegrityError if another process wrote first), so it may start from
the cache and read the store only when the save or a rule says the cache was behind
(`OkrankApplication.change`). Reads that decide other aggregates' commands keep the library's
fast-forwarding `get`.

With several processes, each process's cache falls behind what the others write: a command
started from it meets a conflict at its save (a failed group commit, a re-check, a reload, a
second save). So whoever follows the log (projections.engine.version_follower) tells the
repository which versions the store holds (`mark_behind`); a command on an aggregate the cache
holds at an older version fast-forwards it first (one read of the newer events) instead.

Every load folds events with `fold`, not the library's `project_aggregate`: that asserts a
runtime-checkable Protocol per event, an isinstance check of ~17 µs (measured), more than
decoding and applying most events.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Aggregate


def fold(aggregate: Any, events: Iterable[Any]) -> Any:
    """Each event applied to the aggregate in turn (None before the first): as the library's
    `project_aggregate`, without its per-event Protocol check (every stored event is one of
    the aggregates' own, which all mutate)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class TrustingRepository(Repository[UUID]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Cached aggregates the store holds a newer version of: id -> that version. A hint
        # (a conflict at the save still catches what it misses): cleared once it holds as many
        # as the cache (marks of aggregates the cache has since let go are not removed).
        self._behind: dict[UUID, int] = {}

    def get(self, aggregate_id: UUID, **kwargs: Any) -> Any:
        kwargs.setdefault("projector_func", fold)
        return super().get(aggregate_id, **kwargs)

    def from_store(self, ident: UUID) -> Aggregate | None:
        """The aggregate as the store has it (its snapshot and the events after), neither
        cached nor copied: for a command that will cache it once saved; None if none."""
        try:
            aggregate: Aggregate = self._reconstruct_aggregate(ident, None, fold)
        except AggregateNotFoundError:
            return None
        return aggregate

    def cached(self, ident: UUID) -> Aggregate | None:
        """A copy of the cached aggregate, as this process last knew it (no read of the
        store), or None if it is not cached. A copy: a command that fails half-way must not
        change what the cache holds."""
        if self.cache is None:
            return None
        # The library's per-aggregate fast-forward lock (eventsourcing 9.5.6): a concurrent
        # `get` projects new events onto the cached object in place; do not copy it half-done.
        lock = self._use_fastforward_lock(ident)
        try:
            with lock:
                try:
                    aggregate: Any = self.cache.get(ident)
                except KeyError:
                    return None
                return deepcopy(aggregate)
        finally:
            self._disuse_fastforward_lock(ident)

    def remember(self, aggregate: Aggregate) -> None:
        """Cache the aggregate a command has just saved: the next command on it starts here."""
        if self.cache is not None:
            self.cache.put(aggregate.id, aggregate)
            if self._behind.get(aggregate.id, 0) <= aggregate.version:
                self._behind.pop(aggregate.id, None)

    def mark_behind(self, ident: UUID, version: int) -> None:
        """The store holds `version` of the aggregate: if the cache holds an older one, the
        next command on it starts from the store's state (`is_behind`)."""
        if self.cache is None:
            return
        try:
            cached: Any = self.cache.get(ident)
        except KeyError:  # not cached: its next command reads the store anyway
            return
        if cached.version < version:
            if len(self._behind) >= len(self.cache.cache):
                self._behind.clear()
            self._behind[ident] = max(version, self._behind.get(ident, 0))

    def is_behind(self, ident: UUID) -> bool:
        """Whether the store holds a newer version of the aggregate than the cache."""
        return ident in self._behind
