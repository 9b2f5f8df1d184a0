"""Group commit: the saves that queue up behind one append are committed together.

Every append takes the event store's table lock (LOCK TABLE … IN EXCLUSIVE MODE, which keeps
the log gap-free: positions are handed out in commit order) and holds it until its commit has
reached the disk. Under concurrency the lock, not the work, limits appends: one commit at a
time. So the saves that arrive while one is in flight wait in a queue, and the next one to go
(the group's leader) commits them all in one transaction: one lock, one NOTIFY, one fsync, an
INSERT per save (each save's positions are its own statement's, in queue order).

Each save keeps its own outcome. A group whose transaction fails on a version conflict
(IntegrityError: another writer stored that version first, as happens when several API
processes write the same aggregates) is rolled back as a whole and tried once more as one
transaction that first reads, under the table lock, which of its versions are already stored:
only the saves that meet one are refused, the others commit together (before, each was retried
alone: a transaction, a lock and an fsync per save). Any other failure of a group's
transaction is every member's failure (nothing of it committed).
No thread waits for a group to fill: the first save of an empty queue goes at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import IntegrityError, StoredEvent

MAX_GROUP = 64  # saves per transaction at most

Saves = Sequence[Sequence[StoredEvent]]


@dataclass(eq=False)
class Pending:
    """One save waiting in the queue: its events, then its positions or its error."""

    events: Sequence[StoredEvent]
    done: threading.Event = field(default_factory=threading.Event)
    leads: bool = False  # handed the queue: this save's thread commits the next group
    ids: Sequence[int] | None = None
    error: BaseException | None = None


class GroupCommit:
    """Leader/follower queue: the thread whose save heads the queue commits the group that has
    gathered meanwhile, then hands the queue to the next save's thread."""

    def __init__(
        self,
        insert_group: Callable[[Saves], list[Sequence[int] | None]],
        insert_alone: Callable[[Sequence[StoredEvent]], Sequence[int] | None],
        insert_checked: Callable[[Saves], list[Sequence[int] | IntegrityError | None]],
    ) -> None:
        self.insert_group, self.insert_alone = insert_group, insert_alone
        self.insert_checked = insert_checked
        self._lock = threading.Lock()
        self._queue: list[Pending] = []
        self._leading = False  # a thread is committing (or about to commit) a group

    def insert(self, events: Sequence[StoredEvent]) -> Sequence[int] | None:
        pending = Pending(events)
        with self._lock:
            self._queue.append(pending)
            pending.leads = not self._leading
            self._leading = True
        if not pending.leads:
            pending.done.wait()
        if pending.leads:  # first of an idle queue, or handed the queue by the last leader
            self._lead()
        if pending.error is not None:
            raise pending.error
        return pending.ids

    def _lead(self) -> None:
        with self._lock:  # this thread's save heads the queue
            group = self._queue[:MAX_GROUP]
            del self._queue[:MAX_GROUP]
        try:
            self._commit(group)
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].done.set()
                else:
                    self._leading = False
            for pending in group:
                pending.leads = False
                pending.done.set()

    def _commit(self, group: list[Pending]) -> None:
        if len(group) == 1:  # a save alone: the library's own transaction
            [pending] = group
            try:
                pending.ids = self.insert_alone(pending.events)
            except BaseException as exc:
                pending.error = exc
            return
        outcomes: list[Sequence[int] | BaseException | None]
        try:
            outcomes = list(self.insert_group([p.events for p in group]))
        except IntegrityError:  # one of them conflicts: the re-check says which
            outcomes = self._checked(group)
        except BaseException as exc:
            outcomes = [exc] * len(group)  # nothing of the group committed
        for pending, outcome in zip(group, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                pending.error = outcome
            else:
                pending.ids = outcome

    def _checked(self, group: list[Pending]) -> list[Sequence[int] | BaseException | None]:
        try:
            return list(self.insert_checked([p.events for p in group]))
        except BaseException as exc:
            return [exc] * len(group)
