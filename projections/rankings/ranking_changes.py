"""Ranking changes: which items moved, from which rank to which, written to an outbox.

The catalog view calls `before()` ahead of recomputing some items' ranking entries and
`record()` after; both run in the view's transaction, so the outbox rows, the rankings and the
tracking record commit together. Each change is keyed by (event position, ordinal), which is the
subscription cursor: deterministic, so a rebuild reproduces the same cursors.

A change that moves several items reports each of them: the item that moved gets its own record,
and the items it displaced get one range record per ranking ("the `count` items at ranks
oldRank… are now at newRank…"), listed before the item's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor
from sortedcontainers import SortedList

RANKING_CHANNEL = "okrank_ranking"
KEY = "k_unscored, k_priority, k_base, seq, item_id"

TABLE = """
    CREATE TABLE IF NOT EXISTS ranking_changes (
        position bigint NOT NULL, ordinal int NOT NULL, workspace text NOT NULL,
        scope uuid NOT NULL, method text NOT NULL, item_id uuid,
        old_rank int, new_rank int, old_priority float8, new_priority float8,
        count int NOT NULL,
        cause text NOT NULL, actor text NOT NULL, at timestamptz NOT NULL,
        PRIMARY KEY (position, ordinal))"""
INDEXES = [
    "CREATE INDEX IF NOT EXISTS ranking_changes_ws ON ranking_changes"
    " (workspace, position, ordinal)",
]


@dataclass(frozen=True)
class Cause:
    """The domain event behind a recompute."""

    position: int
    name: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class Placed:
    key: tuple[Any, ...]
    priority: float | None
    rank: int


Pair = tuple[UUID, str]  # (scope, method)
Snapshot = dict[tuple[UUID, str, UUID], Placed]  # (scope, method, item) → place


class RankIndex:
    """Every ranking's sort keys in order, in the projection leader's memory.

    Ranks are positions in these lists (O(log n) with sortedcontainers) instead of a COUNT over
    the ranking in PostgreSQL, which costs O(rank) per question. Lists load lazily from the read
    model; the view that owns an index is its only writer while it leads, and drops the index
    when a batch fails (or when it is rebuilt), so it never drifts from the table.
    """

    def __init__(self) -> None:
        self.lists: dict[tuple[str, UUID, str], SortedList] = {}

    def ranking(self, curs: Cursor[Any], workspace: str, scope: UUID, method: str) -> SortedList:
        key = (workspace, scope, method)
        if key not in self.lists:
            rows = curs.execute(
                f"SELECT {KEY} FROM ranking_entries"
                " WHERE workspace = %s AND scope = %s AND method = %s",
                (workspace, scope, method),
            ).fetchall()
            self.lists[key] = SortedList(tuple(r.values()) for r in rows)
        return self.lists[key]

    def forget(self, workspace: str) -> None:
        for key in [k for k in self.lists if k[0] == workspace]:
            del self.lists[key]

    def clear(self) -> None:
        self.lists.clear()


@dataclass(frozen=True)
class Entry:
    """A ranking entry as the recompute is about to write it."""

    scope: UUID
    method: str
    key: tuple[Any, ...]
    priority: float | None


def _full(curs: Cursor[Any], workspace: str, pairs: set[Pair]) -> Snapshot:
    """Every entry of the given rankings, with its rank."""
    out: Snapshot = {}
    for scope, method in pairs:
        rows = curs.execute(
            f"SELECT item_id, priority, row_number() OVER (ORDER BY {KEY}) AS rank"
            " FROM ranking_entries WHERE workspace = %s AND scope = %s AND method = %s",
            (workspace, scope, method),
        ).fetchall()
        for r in rows:
            out[(scope, method, r["item_id"])] = Placed((), r["priority"], r["rank"])
    return out


def _pairs(curs: Cursor[Any], workspace: str, item_ids: list[UUID]) -> set[Pair]:
    rows = curs.execute(
        "SELECT DISTINCT scope, method FROM ranking_entries"
        " WHERE workspace = %s AND item_id = ANY(%b::uuid[])",
        (workspace, item_ids),
    ).fetchall()
    return {(r["scope"], r["method"]) for r in rows}


# By item alone (item IDs are UUIDs, unique across workspaces): with the workspace in the
# condition too, the planner walked the ranking_order index over the whole workspace's entries
# (O(workspace size) per event) instead of the ranking_item index.
OLD_ENTRIES = f"SELECT scope, method, priority, {KEY} FROM ranking_entries WHERE item_id = %s"


class RankingChanges:
    """One recompute's change detection: construct before the ranking rows are replaced (with
    the rows about to be written), then `record()` after."""

    def __init__(
        self,
        curs: Cursor[Any],
        workspace: str,
        item_ids: list[UUID],
        index: RankIndex,
        new: list[Entry],
        old_rows: list[Any] | None = None,
        old_entries: list[Entry] | None = None,
    ) -> None:
        """`old_rows`: the item's current entries (OLD_ENTRIES), if the caller fetched them;
        `old_entries`: the same, if the caller holds them (an item not written yet)."""
        self.curs, self.workspace, self.item_ids, self.index = curs, workspace, item_ids, index
        self.single = len(item_ids) == 1
        if self.single:
            if old_entries is None:
                rows = old_rows
                if rows is None:
                    rows = curs.execute(OLD_ENTRIES, (item_ids[0],)).fetchall()
                old_entries = [
                    Entry(
                        r["scope"],
                        r["method"],
                        (r["k_unscored"], r["k_priority"], r["k_base"], r["seq"], r["item_id"]),
                        r["priority"],
                    )
                    for r in rows
                ]
            self.old_entries = {(e.scope, e.method): e for e in old_entries}
            self.new_entries = {(e.scope, e.method): e for e in new}
            # Load every list this change touches before the table changes under it.
            self.lists = {
                pair: index.ranking(curs, workspace, *pair)
                for pair in self.old_entries.keys() | self.new_entries.keys()
            }
        else:
            self.old_pairs = _pairs(curs, workspace, item_ids)
            self.old = _full(curs, workspace, self.old_pairs)

    def outbox_rows(self, cause: Cause) -> list[tuple[Any, ...]]:
        """The changes as rows of the outbox (as `record` writes them), for a caller that
        writes them later; only for one item (the index moves now)."""
        assert self.single
        return [
            (cause.position, ordinal, self.workspace, *change, cause.name, cause.actor, cause.at)
            for ordinal, change in enumerate(self._single_item_changes())
        ]

    def record(self, cause: Cause) -> int:
        """Write the changes to the outbox; NOTIFY if any. Returns how many."""
        if self.single:
            changes = self._single_item_changes()
        else:
            pairs = self.old_pairs | _pairs(self.curs, self.workspace, self.item_ids)
            changes = _diff(self.old, _full(self.curs, self.workspace, pairs))
            self.index.forget(self.workspace)
        if not changes:
            return 0
        # One statement for all the changes (per-change columns as arrays).
        columns = list(map(list, zip(*changes, strict=True)))
        self.curs.execute(
            "INSERT INTO ranking_changes (position, ordinal, workspace, scope, method, item_id,"
            " old_rank, new_rank, old_priority, new_priority, count, cause, actor, at)"
            " SELECT %s, c.o - 1, %s, c.scope, c.method, c.item_id, c.old_rank, c.new_rank,"
            " c.old_priority, c.new_priority, c.count, %s, %s, %s"
            " FROM unnest(%b::uuid[], %b::text[], %b::uuid[], %b::int[], %b::int[],"
            " %b::float8[], %b::float8[], %b::int[])"
            " WITH ORDINALITY AS c(scope, method, item_id, old_rank, new_rank, old_priority,"
            " new_priority, count, o)",
            (cause.position, self.workspace, cause.name, cause.actor, cause.at, *columns),
        )
        self.curs.execute("SELECT pg_notify(%s, %s)", (RANKING_CHANNEL, str(cause.position)))
        return len(changes)

    def _single_item_changes(self) -> list[tuple[Any, ...]]:
        (item,) = self.item_ids
        changes: list[tuple[Any, ...]] = []
        for pair in sorted(self.lists, key=str):
            scope, method = pair
            ranking = self.lists[pair]
            o, n = self.old_entries.get(pair), self.new_entries.get(pair)
            o_rank = ranking.bisect_left(o.key) + 1 if o else None
            if o:
                ranking.remove(o.key)
            if n:
                ranking.add(n.key)
            n_rank = ranking.bisect_left(n.key) + 1 if n else None
            if (o_rank, o and o.priority) == (n_rank, n and n.priority):
                continue
            # The items between the old and the new place all move by one: one range record
            # (reported first, in old ranks), not one per item — in a 10,000-item ranking a
            # single score change would otherwise send thousands of messages to every consumer.
            if o and n and n.key < o.key:
                count = ranking.bisect_left(o.key) - ranking.bisect_right(n.key)
                first, delta = n_rank, 1
            elif o and n:
                count = ranking.bisect_left(n.key) - ranking.bisect_right(o.key)
                first, delta = o_rank + 1, -1  # type: ignore[operator]
            elif n:
                count = len(ranking) - ranking.bisect_right(n.key)
                first, delta = n_rank, 1
            else:
                count = len(ranking) - ranking.bisect_right(o.key)  # type: ignore[union-attr]
                first, delta = o_rank + 1, -1  # type: ignore[operator]
            if count:
                changes.append((scope, method, None, first, first + delta, None, None, count))
            changes.append(
                (scope, method, item, o_rank, n_rank, o and o.priority, n and n.priority, 1)
            )
        return changes


def _diff(old: Snapshot, new: Snapshot) -> list[tuple[Any, ...]]:
    changes = []
    for key in sorted(
        old.keys() | new.keys(), key=lambda k: (str(k[0]), k[1], (new.get(k) or old[k]).rank)
    ):
        o, n = old.get(key), new.get(key)
        if o and n and (o.rank, o.priority) == (n.rank, n.priority):
            continue
        changes.append((*key, o and o.rank, n and n.rank, o and o.priority, n and n.priority, 1))
    return changes
