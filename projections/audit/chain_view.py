"""The audit chain view: a SHA-256 hash chain over each workspace's events, in log order.

For every event the view reads the event's row back from the event store (the bytes exactly as
stored, see domain.audit.chain) in the transaction that records its tracking position, and
appends the next link of its workspace's chain. It is a record of what the store held when each
event was new, not derivable state: a rebuild leaves it alone (replaying a store that was
tampered with would only chain the tampered bytes), so it is not in the rebuild's views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import AggregateCreated, DomainEvent, Snapshot
from psycopg import Cursor
from psycopg.sql import SQL, Identifier

from okrank.domain.application import OkrankApplication
from okrank.domain.audit.chain import StoredEventRow, digest, genesis, next_link
from okrank.domain.event_names import STORED_NAMES
from okrank.domain.workspaces.workspace import Workspace
from okrank.projections.engine.view import Handler, ReadModelView, ViewProjection

EVENTS_TABLE = f"{OkrankApplication.name}_events"  # the library's table for the application
TABLES = {
    # Which workspace each aggregate belongs to (later events do not say).
    "audit_originators": """
        CREATE TABLE IF NOT EXISTS audit_originators (
            originator_id uuid PRIMARY KEY, workspace text NOT NULL)""",
    "audit_chain": """
        CREATE TABLE IF NOT EXISTS audit_chain (
            workspace text NOT NULL, seq bigint NOT NULL, position bigint NOT NULL,
            originator_id uuid NOT NULL, originator_version bigint NOT NULL,
            digest bytea NOT NULL, link bytea NOT NULL, PRIMARY KEY (workspace, seq))""",
}
INDEXES = ["CREATE UNIQUE INDEX IF NOT EXISTS audit_chain_position ON audit_chain (position)"]
# A batch's events as stored, each with its aggregate's workspace and that workspace's last
# link before the batch: one round trip (three SELECTs had three in pipeline mode).
SELECT_TO_CHAIN = SQL(
    """
    WITH e AS (
        SELECT notification_id, originator_id, originator_version, topic, state FROM {}
        WHERE notification_id = ANY(%b::bigint[]))
    SELECT e.*, o.workspace, h.seq, h.link FROM e
    LEFT JOIN audit_originators o USING (originator_id)
    LEFT JOIN LATERAL (
        SELECT seq, link FROM audit_chain WHERE workspace = o.workspace ORDER BY seq DESC LIMIT 1
    ) AS h ON true
    ORDER BY e.notification_id"""
).format(Identifier(EVENTS_TABLE))


@dataclass
class ChainBatch:
    """One transaction's events, chained together when it closes (one read of their rows)."""

    curs: Cursor[Any]
    pending: list[tuple[Any, int]] = field(default_factory=list)


def _collect(batch: ChainBatch, event: Any, position: int) -> None:
    batch.pending.append((event, position))


def workspace_of_created(event: AggregateCreated) -> str:
    return event.name if isinstance(event, Workspace.Created) else event.workspace  # type: ignore[attr-defined]


def chained_events() -> list[type]:
    """Every event class the application records in its log (snapshots are not in the log)."""
    return [
        cls
        for cls in STORED_NAMES.values()
        if issubclass(cls, DomainEvent) and not issubclass(cls, Snapshot)
    ]


class AuditChainView(ReadModelView):
    view_name = "audit_chain"
    tables = TABLES
    rebuilt = False
    indexes = INDEXES
    handlers: dict[type, Handler] = {cls: _collect for cls in chained_events()}

    def open_batch(self, curs: Cursor[Any], rebuilding: bool) -> ChainBatch:
        return ChainBatch(curs)

    def close_batch(self, batch: ChainBatch) -> None:
        curs, pending = batch.curs, batch.pending
        if not pending:
            return
        created = [
            (e.originator_id, workspace_of_created(e))
            for e, _ in pending
            if isinstance(e, AggregateCreated)
        ]
        if created:
            # One statement, not executemany: in pipeline mode a fetch after executemany could
            # read an INSERT's result instead of the SELECT's below (seen with a batch of many
            # created aggregates).
            curs.execute(
                "INSERT INTO audit_originators SELECT * FROM unnest(%b::uuid[], %b::text[])"
                " ON CONFLICT DO NOTHING",
                ([i for i, _ in created], [w for _, w in created]),
            )
        curs.execute(SELECT_TO_CHAIN, ([p for _, p in pending],))
        found = curs.fetchall()  # the datastore's cursors return rows as dicts
        if len(found) != len(pending):
            raise RuntimeError("an event being chained is missing from the event store")
        rows, workspaces = [], []
        heads: dict[str, tuple[int, bytes]] = {}
        for r in found:
            if r["workspace"] is None:  # as a lookup that fails: the event cannot be chained
                raise LookupError(f"no workspace recorded for aggregate {r['originator_id']}")
            row = StoredEventRow(
                r["notification_id"],
                r["originator_id"],
                r["originator_version"],
                r["topic"],
                bytes(r["state"]),
            )
            rows.append(row)
            workspaces.append(r["workspace"])
            if r["workspace"] not in heads:
                link = bytes(r["link"]) if r["link"] is not None else genesis(r["workspace"])
                heads[r["workspace"]] = (r["seq"] or 0, link)
        entries = []
        for row, workspace in zip(rows, workspaces, strict=True):
            seq, link = heads[workspace]
            link = next_link(link, row)
            heads[workspace] = (seq + 1, link)
            entries.append(
                (
                    workspace,
                    seq + 1,
                    row.position,
                    row.originator_id,
                    row.originator_version,
                    digest(row),
                    link,
                )
            )
        curs.executemany("INSERT INTO audit_chain VALUES (%s, %s, %s, %s, %s, %s, %s)", entries)


class AuditChainProjection(ViewProjection):
    name = "audit_chain"
