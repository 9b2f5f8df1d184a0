"""The audit hash chain: which bytes of a stored event are hashed, and how links are made.

Each workspace has its own chain over its events in log order. For the k-th event:

    link_k = SHA-256(link_{k-1} || canonical bytes of the event)
    link_0 = SHA-256(b"okrank-audit-v1 genesis\\x00" || workspace name in UTF-8)

The canonical bytes are the stored row of the event store (`okrank_events`) exactly as
PostgreSQL holds it, every column, each with a fixed width or a length prefix so no two rows
share an encoding:

    b"okrank-audit-v1\\x00"
    notification_id      8 bytes, big-endian (the event's position in the log)
    originator_id        16 bytes (the aggregate's UUID)
    originator_version   8 bytes, big-endian
    len(topic) topic     4 bytes big-endian length, then the topic's UTF-8 bytes
    len(state) state     4 bytes big-endian length, then the `state` bytea as stored

The state is hashed as stored (not re-encoded from the domain event), so a changed byte, a
moved row or a changed topic all change the link.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from uuid import UUID

VERSION_TAG = b"okrank-audit-v1\x00"
GENESIS_TAG = b"okrank-audit-v1 genesis\x00"
LINK_BYTES = 32
_HEAD = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


@dataclass(frozen=True)
class StoredEventRow:
    """One row of the event store, as stored."""

    position: int  # notification_id
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def canonical_bytes(row: StoredEventRow) -> bytes:
    topic = row.topic.encode("utf-8")
    return b"".join(
        [
            VERSION_TAG,
            row.position.to_bytes(8, "big"),
            row.originator_id.bytes,
            row.originator_version.to_bytes(8, "big", signed=True),
            len(topic).to_bytes(4, "big"),
            topic,
            len(row.state).to_bytes(4, "big"),
            row.state,
        ]
    )


def genesis(workspace: str) -> bytes:
    """The link before a workspace's first event: chains of two workspaces never coincide."""
    return hashlib.sha256(GENESIS_TAG + workspace.encode("utf-8")).digest()


def next_link(previous: bytes, row: StoredEventRow) -> bytes:
    return hashlib.sha256(previous + canonical_bytes(row)).digest()


def digest(row: StoredEventRow) -> bytes:
    """SHA-256 of the event's canonical bytes alone: tells an altered event from a broken link."""
    return hashlib.sha256(canonical_bytes(row)).digest()


@dataclass(frozen=True)
class Head:
    """A chain's head: how many events it covers and the last link. Written `N:hex`."""

    events: int
    link: bytes

    def __str__(self) -> str:
        return f"{self.events}:{self.link.hex()}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """`N:<64 lowercase hex digits>`, as `auditHead` and `okrank audit head` print it."""
        match = _HEAD.match(text.strip().lower())
        if match is None:
            raise ValueError("a head is N:HASH (the event count, a colon, 64 hex digits)")
        return cls(int(match.group(1)), bytes.fromhex(match.group(2)))
