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


def _placed_items(curs: Cursor[Any], workspace: str, item_ids: list[UUID]) -> Snapshot:
    """Where each of `item_ids` stands in each of its rankings."""
    rows = curs.execute(
        "SELECT r.scope, r.method, r.item_id, r.priority, r.k_unscored, r.k_priority, r.k_base,"
        " r.seq, (SELECT count(*) FROM ranking_entries o WHERE o.workspace = r.workspace"
        f"  AND o.scope = r.scope AND o.method = r.method"
        f"  AND ({KEY}) < (r.k_unscored, r.k_priority, r.k_base, r.seq, r.item_id)) + 1 AS rank"
        " FROM ranking_entries r WHERE r.workspace = %s AND r.item_id = ANY(%s)",
        (workspace, item_ids),
    ).fetchall()
    return {
        (r["scope"], r["method"], r["item_id"]): Placed(
            (r["k_unscored"], r["k_priority"], r["k_base"], r["seq"], r["item_id"]),
            r["priority"],
            r["rank"],
        )
        for r in rows
    }


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
        " WHERE workspace = %s AND item_id = ANY(%s)",
        (workspace, item_ids),
    ).fetchall()
    return {(r["scope"], r["method"]) for r in rows}


class RankingChanges:
    """One recompute's change detection: `before()`, recompute, then `record()`."""

    def __init__(self, curs: Cursor[Any], workspace: str, item_ids: list[UUID]) -> None:
        self.curs, self.workspace, self.item_ids = curs, workspace, item_ids
        self.single = len(item_ids) == 1
        if self.single:
            self.old = _placed_items(curs, workspace, item_ids)
        else:
            self.old_pairs = _pairs(curs, workspace, item_ids)
            self.old = _full(curs, workspace, self.old_pairs)

    def record(self, cause: Cause) -> int:
        """Write the changes to the outbox; NOTIFY if any. Returns how many."""
        if self.single:
            changes = self._single_item_changes()
        else:
            pairs = self.old_pairs | _pairs(self.curs, self.workspace, self.item_ids)
            changes = _diff(self.old, _full(self.curs, self.workspace, pairs))
        if not changes:
            return 0
        self.curs.executemany(
            "INSERT INTO ranking_changes (position, ordinal, workspace, scope, method, item_id,"
            " old_rank, new_rank, old_priority, new_priority, count, cause, actor, at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (cause.position, n, self.workspace, *change, cause.name, cause.actor, cause.at)
                for n, change in enumerate(changes)
            ],
        )
        self.curs.execute("SELECT pg_notify(%s, %s)", (RANKING_CHANNEL, str(cause.position)))
        return len(changes)

    def _single_item_changes(self) -> list[tuple[Any, ...]]:
        new = _placed_items(self.curs, self.workspace, self.item_ids)
        (item,) = self.item_ids
        changes: list[tuple[Any, ...]] = []
        for scope, method in sorted({(s, m) for s, m, _ in self.old | new}, key=str):
            o, n = self.old.get((scope, method, item)), new.get((scope, method, item))
            if o and n and (o.rank, o.priority) == (n.rank, n.priority):
                continue
            # The items between the old and the new place all move by one: one range record
            # (reported first, in old ranks), not one per item — in a 10,000-item ranking a
            # single score change would otherwise send thousands of messages to every consumer.
            if o and n and n.key < o.key:
                lo, hi, delta, first = n.key, o.key, 1, n.rank
            elif o and n:
                lo, hi, delta, first = o.key, n.key, -1, o.rank + 1
            elif n:
                lo, hi, delta, first = n.key, None, 1, n.rank
            else:
                lo, hi, delta, first = o.key, None, -1, o.rank + 1  # type: ignore[union-attr]
            upper = f" AND ({KEY}) < (%s, %s, %s, %s, %s)" if hi else ""
            count = self.curs.execute(
                "SELECT count(*) AS n FROM ranking_entries"
                " WHERE workspace = %s AND scope = %s AND method = %s AND item_id <> %s"
                f" AND ({KEY}) > (%s, %s, %s, %s, %s){upper}",
                (self.workspace, scope, method, item, *lo, *(hi or ())),
            ).fetchone()["n"]
            if count:
                changes.append((scope, method, None, first, first + delta, None, None, count))
            changes.append(
                (
                    scope,
                    method,
                    item,
                    o and o.rank,
                    n and n.rank,
                    o and o.priority,
                    n and n.priority,
                    1,
                )
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
