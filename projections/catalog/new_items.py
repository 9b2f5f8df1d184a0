"""Backlog items created in the batch being applied, held in memory until the batch writes them.

A bulk import (or a replay) brings thousands of items whose every event arrives in the same
batch: Created, ImportRecorded, RiceScored, Tagged… Applied one statement at a time, each event
cost an UPDATE, a ranking recompute reading the rows it had just written, and an outbox INSERT
with its NOTIFY. An item created in this batch has no rows yet, so nothing but this batch can
know its state: its row, tags and ranking entries are kept here, its rankings are computed from
them, and `flush` writes them all with one statement per table.

`flush` runs before any event whose handler reads or writes the tables another way (any event
not about an item held here: see okrank.projections.catalog.view), and at the end of the batch,
so every statement sees the same rows as if each event had been written when it was applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor

from okrank.domain.rankings.scoring import Multipliers
from okrank.projections.catalog.stored_items import UPDATE_STORED, StoredItem
from okrank.projections.catalog.tables import (
    ENTRY_COLUMNS,
    ENTRY_TYPES,
    INSERT_ENTRIES,
    ITEM_TYPES,
    TAG_TYPES,
    arrays,
)
from okrank.projections.rankings.ranking_changes import RANKING_CHANNEL, Entry

ITEM_COLUMNS = ", ".join(ITEM_TYPES)  # NewItem.row()'s order
INSERT_ITEMS = (
    f"INSERT INTO backlog_items ({ITEM_COLUMNS}, labels)"
    f" SELECT {ITEM_COLUMNS}, ARRAY(SELECT jsonb_array_elements_text(u.labels::jsonb))"
    f" FROM unnest({arrays(ITEM_TYPES.values())}, %b::text[]) AS u({ITEM_COLUMNS}, labels)"
)
TAG_COLUMNS = ", ".join(TAG_TYPES)
INSERT_TAGS = (
    f"INSERT INTO item_tags ({TAG_COLUMNS}) SELECT * FROM unnest({arrays(TAG_TYPES.values())})"
)
INSERT_CHANGES = (
    "INSERT INTO ranking_changes (position, ordinal, workspace, scope, method, item_id,"
    " old_rank, new_rank, old_priority, new_priority, count, cause, actor, at)"
    " SELECT * FROM unnest(%b::bigint[], %b::int[], %b::text[], %b::uuid[], %b::text[],"
    " %b::uuid[], %b::int[], %b::int[], %b::float8[], %b::float8[], %b::int[], %b::text[],"
    " %b::text[], %b::timestamptz[])"
)
# In the order the changes were recorded, as RankingChanges.record sends them one by one.
NOTIFY_CHANGES = "SELECT pg_notify(%s, p) FROM unnest(%b::text[]) AS p"


@dataclass
class Tag:
    key_result_id: UUID | None
    tier: str
    tagged_at: datetime
    tagged_by: str
    reason: str


@dataclass
class NewItem:
    """The row an item created in this batch will have, its tags and its ranking entries."""

    id: UUID
    workspace: str
    seq: int
    title: str
    description: str
    kind: str
    version: int
    created_at: datetime
    created_by: str
    team: str
    status: str = "CANDIDATE"
    reach: float | None = None
    impact: float | None = None
    confidence: float | None = None
    effort: float | None = None
    rice_score: float | None = None
    business_value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None
    job_size: int | None = None
    wsjf_score: float | None = None
    justification: str = ""
    updated_at: datetime | None = None
    external_key: str = ""
    done_at: datetime | None = None  # when it became DONE, if it is (the quarterly review)
    labels: list[str] = field(default_factory=list)
    tags: dict[UUID, Tag] = field(default_factory=dict)  # objective → tag
    entries: list[Entry] = field(default_factory=list)  # as ranking_entries will hold them
    entry_rows: list[tuple[Any, ...]] = field(default_factory=list)  # as ENTRY_COLUMNS
    ranked: bool = False  # entries computed since the last change (rebuilds compute them late)

    def touch(self, e: Any) -> None:
        self.version, self.updated_at = e.originator_version, e.timestamp

    def row(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.workspace,
            self.seq,
            self.title,
            self.description,
            self.kind,
            self.status,
            self.reach,
            self.impact,
            self.confidence,
            self.effort,
            self.rice_score,
            self.business_value,
            self.time_criticality,
            self.risk_reduction,
            self.job_size,
            self.wsjf_score,
            self.justification,
            self.version,
            self.created_at,
            self.created_by,
            self.updated_at,
            self.team,
            self.external_key,
            self.done_at,
            json.dumps(self.labels),
        )


class NewItems:
    """The batch's new items, and what their rankings read that only a flush can change."""

    def __init__(self) -> None:
        self.items: dict[UUID, NewItem] = {}
        # Items in the tables whose status this batch changed in memory (stored_items), and
        # what was read for the status changes still to come (true until the next flush).
        self.stored: dict[UUID, StoredItem] = {}
        self.loaded: dict[UUID, StoredItem] = {}
        self.changes: list[tuple[Any, ...]] = []  # outbox rows, in order
        self.notified: list[str] = []  # a NOTIFY payload per recorded change set, in order
        self._multipliers: dict[str, Multipliers] = {}
        self._active: dict[UUID, bool | None] = {}  # objective → ACTIVE; None: no such row
        self._active_read: set[str] = set()  # workspaces whose objectives are in _active

    def get(self, item_id: UUID) -> NewItem | None:
        return self.items.get(item_id)

    def add(self, item: NewItem) -> None:
        self.items[item.id] = item

    def multipliers(self, curs: Cursor[Any], workspace: str) -> Multipliers:
        if workspace not in self._multipliers:
            m = curs.execute(
                "SELECT direct, indirect, untagged FROM workspaces WHERE workspace = %s",
                (workspace,),
            ).fetchone()
            found = Multipliers(m["direct"], m["indirect"], m["untagged"]) if m else Multipliers()
            self._multipliers[workspace] = found
        return self._multipliers[workspace]

    def objective_active(
        self, curs: Cursor[Any], workspace: str, objective_id: UUID
    ) -> bool | None:
        """Whether the objective is ACTIVE; None if the catalog has no such objective (a tag to
        it is then not joined into the item's rankings, as the SQL recompute's JOIN). The
        workspace's objectives are read together, once per flush."""
        if objective_id not in self._active and workspace not in self._active_read:
            self._active_read.add(workspace)
            rows = curs.execute(
                "SELECT id, status = 'ACTIVE' AS active FROM objectives WHERE workspace = %s",
                (workspace,),
            ).fetchall()
            self._active.update((r["id"], r["active"]) for r in rows)
        if objective_id not in self._active:  # of another workspace, or none
            row = curs.execute(
                "SELECT status = 'ACTIVE' AS active FROM objectives WHERE id = %s",
                (objective_id,),
            ).fetchone()
            self._active[objective_id] = None if row is None else row["active"]
        return self._active[objective_id]

    def flush(self, curs: Cursor[Any], copy: bool = False) -> None:
        """Write every held item, its tags and entries, and the outbox rows; then hold nothing
        (what the caches read may change from here on). `copy`: with COPY (a connection not in
        pipeline mode: a rebuild's, which has no outbox rows), a fifth of the client CPU."""
        items, stored = list(self.items.values()), list(self.stored.values())
        self._multipliers.clear()
        self._active.clear()
        self._active_read.clear()
        self.loaded.clear()
        if not items and not self.changes and not stored:
            return
        if stored:  # live only (a rebuild recomputes rankings at the end of its batch)
            ids = [i.id for i in stored]
            curs.execute(UPDATE_STORED, _columns([i.row() for i in stored], 15), binary=True)
            curs.execute(
                "DELETE FROM ranking_entries WHERE item_id = ANY(%b::uuid[])", (ids,), binary=True
            )
            rows = [row for i in stored for row in i.entry_rows]
            if rows:
                curs.execute(INSERT_ENTRIES, _columns(rows, 13), binary=True)
        if copy:
            assert not self.changes and not stored
            _copy_items(curs, items)
        elif items:
            curs.execute(INSERT_ITEMS, _columns([i.row() for i in items], 26), binary=True)
            tags = [
                (i.id, o, i.workspace, t.key_result_id, t.tier, t.tagged_at, t.tagged_by, t.reason)
                for i in items
                for o, t in i.tags.items()
            ]
            if tags:
                curs.execute(INSERT_TAGS, _columns(tags, 8), binary=True)
            entries = [row for i in items for row in i.entry_rows]
            if entries:
                curs.execute(INSERT_ENTRIES, _columns(entries, 13), binary=True)
        if self.changes:
            curs.execute(INSERT_CHANGES, _columns(self.changes, 14), binary=True)
            curs.execute(NOTIFY_CHANGES, (RANKING_CHANNEL, self.notified), binary=True)
        self.items, self.stored, self.changes, self.notified = {}, {}, [], []


def _copy_items(curs: Cursor[Any], items: list[NewItem]) -> None:
    """Binary COPY: a fifth of the client CPU of text COPY (its rows formatted in Python)."""
    with curs.copy(f"COPY backlog_items ({ITEM_COLUMNS}, labels) FROM STDIN (FORMAT BINARY)") as c:
        c.set_types([*ITEM_TYPES.values(), "text[]"])
        for i in items:
            c.write_row((*i.row()[:-1], i.labels))
    with curs.copy(f"COPY item_tags ({TAG_COLUMNS}) FROM STDIN (FORMAT BINARY)") as c:
        c.set_types(list(TAG_TYPES.values()))
        for i in items:
            for o, t in i.tags.items():
                c.write_row(
                    (i.id, o, i.workspace, t.key_result_id, t.tier, t.tagged_at, t.tagged_by,
                     t.reason)
                )  # fmt: skip
    with curs.copy(f"COPY ranking_entries ({ENTRY_COLUMNS}) FROM STDIN (FORMAT BINARY)") as c:
        c.set_types(list(ENTRY_TYPES.values()))
        for i in items:
            for row in i.entry_rows:
                c.write_row(row)


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows as one list per column: the parameters of an INSERT … SELECT FROM unnest."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * width
