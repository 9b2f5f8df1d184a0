"""Checking a workspace's recorded chain against the event store, event by event.

The chain entries (what the audit view recorded when each event was new) and the stored rows
(what the event store holds now) are walked together in log order; the first disagreement is
the answer. Both are iterables, so a chain of any length is checked in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from okrank.domain.audit.chain import Head, StoredEventRow, digest, genesis, next_link


class Problem(StrEnum):
    ALTERED = "ALTERED"  # the event's stored bytes no longer match what was chained
    DELETED = "DELETED"  # a chained event is no longer in the store (deleted, or moved away)
    REORDERED = "REORDERED"  # another event now stands at a chained event's position
    INSERTED = "INSERTED"  # the store holds an event of the workspace the chain never saw
    CHAIN_BROKEN = "CHAIN_BROKEN"  # the chain itself was cut or rewritten
    HEAD_MISMATCH = "HEAD_MISMATCH"  # the history up to a given (published) head changed


@dataclass(frozen=True)
class ChainEntry:
    """One recorded link: the workspace's seq-th event, at `position` in the log."""

    seq: int
    position: int
    originator_id: UUID
    originator_version: int
    digest: bytes
    link: bytes


@dataclass(frozen=True)
class Verification:
    """`events` verified in order up to `head`; then `problem` at `position`, if any."""

    workspace: str
    events: int
    head: Head
    problem: Problem | None = None
    position: int | None = None
    message: str = ""

    @property
    def verified(self) -> bool:
        return self.problem is None


def verify(
    workspace: str,
    entries: Iterable[ChainEntry],
    rows: Iterable[StoredEventRow],
    expected_head: Head | None = None,
) -> Verification:
    """Recompute the chain from `rows` (the workspace's stored events in log order, up to the
    chain's position) and compare it with the recorded `entries` (in seq order) and, if given,
    with an earlier head."""
    link, count = genesis(workspace), 0
    stored: Iterator[StoredEventRow] = iter(rows)

    def found(problem: Problem, position: int | None, message: str) -> Verification:
        return Verification(workspace, count, Head(count, link), problem, position, message)

    def inserted(row: StoredEventRow) -> Verification:
        return found(
            Problem.INSERTED,
            row.position,
            f"the event at position {row.position} (aggregate {row.originator_id} version"
            f" {row.originator_version}) is not in the chain: it was inserted afterwards",
        )

    if expected_head is not None and expected_head.events == 0 and expected_head.link != link:
        return found(Problem.HEAD_MISMATCH, None, f"{expected_head} is not this workspace's head")
    for entry in entries:
        if entry.seq != count + 1:
            return found(
                Problem.CHAIN_BROKEN,
                entry.position,
                f"the chain has no entry #{count + 1}: chain entries were removed",
            )
        row = next(stored, None)
        if row is not None and row.position < entry.position:
            return inserted(row)
        if row is None or row.position > entry.position:
            return found(
                Problem.DELETED,
                entry.position,
                f"event #{entry.seq} at position {entry.position} (aggregate"
                f" {entry.originator_id} version {entry.originator_version}) is missing from the"
                " event store: deleted, or moved to another position",
            )
        if (row.originator_id, row.originator_version) != (
            entry.originator_id,
            entry.originator_version,
        ):
            return found(
                Problem.REORDERED,
                entry.position,
                f"position {entry.position} holds aggregate {row.originator_id} version"
                f" {row.originator_version}, but the chain recorded aggregate"
                f" {entry.originator_id} version {entry.originator_version} there: events were"
                " moved or reordered",
            )
        candidate = next_link(link, row)
        if candidate != entry.link:
            if digest(row) != entry.digest:
                return found(
                    Problem.ALTERED,
                    entry.position,
                    f"the stored bytes of event #{entry.seq} at position {entry.position}"
                    f" (aggregate {entry.originator_id} version {entry.originator_version}) no"
                    " longer match the chain",
                )
            return found(
                Problem.CHAIN_BROKEN,
                entry.position,
                f"event #{entry.seq} at position {entry.position} is intact but its link is not:"
                " an earlier event was removed from the store and the chain, or the chain was"
                " rewritten",
            )
        link, count = candidate, count + 1
        if (
            expected_head is not None
            and expected_head.events == count != 0
            and (expected_head.link != link)
        ):
            return found(
                Problem.HEAD_MISMATCH,
                entry.position,
                f"the first {count} events do not hash to the head {expected_head}: the"
                " history up to that head has changed",
            )
    row = next(stored, None)
    if row is not None:
        return inserted(row)
    if expected_head is not None and expected_head.events > count:
        return found(
            Problem.HEAD_MISMATCH,
            None,
            f"the head {expected_head} covers {expected_head.events} events, but the chain holds"
            f" only {count}: events were removed, or the head is another workspace's",
        )
    head = Head(count, link)
    return Verification(workspace, count, head, message=f"all {count} events verify up to {head}")
