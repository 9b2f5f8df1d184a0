"""Loading many aggregates at once: a backlog reset considers thousands of items, and loading
each one (a snapshot query and an events query) costs two round trips apiece.

On PostgreSQL the events of many aggregates are read in one query per chunk and projected in
order, as a load of each would (a snapshot only shortens a load: replaying every event gives
the same state). Any other store loads them one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, Recorder, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.sql import SQL, Identifier

from okrank.domain.repository import fold

CHUNK = 5_000  # ids per query


def _stored_events(recorder: PostgresAggregateRecorder, idents: Sequence[UUID]) -> Iterator[Any]:
    statement = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {schema}.{table}"
        " WHERE originator_id = ANY(%b::uuid[]) ORDER BY originator_id, originator_version"
    ).format(
        schema=Identifier(recorder.datastore.schema),
        table=Identifier(recorder.events_table_name),
    )
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        for start in range(0, len(idents), CHUNK):
            curs.execute(statement, (list(idents[start : start + CHUNK]),))
            yield from curs.fetchall()


def load_many(
    recorder: Recorder,
    mapper: Mapper[UUID],
    idents: Sequence[UUID],
    find: Callable[[UUID], Aggregate | None],
) -> dict[UUID, Aggregate]:
    """The aggregates of `idents` that exist, by id (any workspace: the caller checks)."""
    unique = list(dict.fromkeys(idents))
    if not isinstance(recorder, PostgresAggregateRecorder):
        return {i: a for i in unique if (a := find(i)) is not None}
    found: dict[UUID, Aggregate] = {}
    rows = _stored_events(recorder, unique)
    for ident, group in groupby(rows, key=lambda r: r["originator_id"]):
        events = (
            mapper.to_domain_event(
                StoredEvent(
                    originator_id=r["originator_id"],
                    originator_version=r["originator_version"],
                    topic=r["topic"],
                    state=bytes(r["state"]),
                )
            )
            for r in group
        )
        aggregate = fold(None, events)  # not project_aggregate: see domain.repository
        if aggregate is not None:
            found[ident] = aggregate
    return found
