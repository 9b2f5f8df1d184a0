"""Reading a workspace's events up to a moment, straight from the event store (asyncpg), and
folding them into aggregates with the application's own mapper (as api.audit.history decodes).

A moment is a place in the workspace's audit chain (projections.audit.chain_view): its `seq`
numbers the workspace's events densely in log order, so a moment is found by binary search
over the events' own timestamps and the workspace's events up to it are one index range."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import StoredEvent

from okrank.domain.application import OkrankApplication
from okrank.domain.audit.replay import Replayed, replay, replayed_topics
from okrank.projections.audit.chain_view import EVENTS_TABLE

TOPICS = replayed_topics()  # what an as-of answer is replayed from
LOG_END = f"SELECT max(notification_id) FROM {EVENTS_TABLE}"
CHAIN_PART = 5000  # chained events per part of a whole workspace's read
COLUMNS = "e.notification_id, e.originator_id, e.originator_version, e.topic, e.state"
CHAIN_HEAD = "SELECT max(seq) FROM audit_chain WHERE workspace = $1"
CHAINED_EVENT = (
    f"SELECT {COLUMNS} FROM audit_chain c JOIN {EVENTS_TABLE} e ON e.notification_id = c.position"
    " WHERE c.workspace = $1 AND c.seq = $2"
)
EVENTS_OF = (
    f"SELECT {COLUMNS} FROM {EVENTS_TABLE} e WHERE e.originator_id = ANY($1::uuid[])"
    " AND e.notification_id <= $2 AND e.topic = ANY($3::text[]) ORDER BY e.notification_id"
)
WORKSPACE_EVENTS = (
    f"SELECT {COLUMNS} FROM audit_chain c JOIN {EVENTS_TABLE} e ON e.notification_id = c.position"
    " WHERE c.workspace = $1 AND c.seq > $2 AND c.seq <= $3 AND e.topic = ANY($4::text[])"
    " ORDER BY c.seq"
)


@dataclass(frozen=True)
class Moment:
    """The workspace's state after its `seq`-th event, which is at `position` in the log."""

    seq: int
    position: int


def decoded(app: OkrankApplication, row: Any) -> Any:
    stored = StoredEvent(row[1], row[2], row[3], bytes(row[4]))
    return app.mapper.to_domain_event(stored)


def replayed(
    app: OkrankApplication, rows: Sequence[Any], into: dict[UUID, Replayed] | None = None
) -> dict[UUID, Replayed]:
    """The aggregates the rows' events leave (rows in log order), after what `into` holds.
    CPU work: run it off the event loop."""
    return replay(((row[0], decoded(app, row)) for row in rows), into)


async def chain_head(conn: asyncpg.Connection, workspace: str) -> int:
    """How many of the workspace's events are chained (0: none yet)."""
    return await conn.fetchval(CHAIN_HEAD, workspace) or 0


async def chained_event(
    conn: asyncpg.Connection, app: OkrankApplication, workspace: str, seq: int
) -> tuple[int, Any]:
    """The workspace's `seq`-th event: its position and the decoded event."""
    row = await conn.fetchrow(CHAINED_EVENT, workspace, seq)
    if row is None:  # chained, but no longer in the store: `okrank audit verify` reports it
        raise LookupError(f"event {seq} of workspace {workspace} is missing from the store")
    return row[0], decoded(app, row)


async def events_of(
    conn: asyncpg.Connection, ids: Sequence[UUID], moment: Moment, topics: Sequence[str]
) -> list[Any]:
    """The events of these aggregates up to the moment, in log order."""
    return await conn.fetch(EVENTS_OF, list(ids), moment.position, list(topics))


async def workspace_events(
    conn: asyncpg.Connection, workspace: str, moment: Moment, topics: Sequence[str]
) -> AsyncIterator[list[Any]]:
    """Every event of the workspace up to the moment with one of these topics, in log order,
    in parts of CHAIN_PART chained events: each part is one short statement whose rows sort in
    memory (one statement for a whole large workspace sorted on disk, and overran the pool's
    command timeout on a loaded machine); the caller folds a part before reading the next."""
    for start in range(0, moment.seq, CHAIN_PART):
        end = min(start + CHAIN_PART, moment.seq)
        yield await conn.fetch(WORKSPACE_EVENTS, workspace, start, end, list(topics))
