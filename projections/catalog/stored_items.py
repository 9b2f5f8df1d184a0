"""Backlog items already in the catalog whose status or scores change in the batch being applied,
held in memory until the batch writes them (as okrank.projections.catalog.new_items does for new
items).

A quarterly review's reset archives thousands of items in one transaction: one
`BacklogItem.StatusChanged` each, which the projection gets in batches of hundreds; under
concurrent writes, the scores of several items arrive in one batch. Applied one statement at a
time, each cost an UPDATE, a recompute reading the item's row, tags, exercise results and old
entries (a round trip of its own), a DELETE and INSERT of its entries, an outbox INSERT with its
NOTIFY and six coverage-tally statements. Here the rows those reads need are read once for every
such change of the rest of the batch (`load`: one round trip), each event then ranks its item in
memory through the rank index (the same outbox rows, in the same order, as one event per
transaction), and the flush writes them all with one statement per table.

What is loaded is what the tables hold when it is read: it stays true only until a handler
writes the tables another way, which flushes first (okrank.projections.catalog.view) and so
forgets what was loaded (`NewItems.flush`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor

from okrank.domain.backlog.item import UNRANKED_STATUSES
from okrank.domain.rankings.entries import TagFacts
from okrank.domain.rankings.scoring import Multipliers, Tier
from okrank.projections.catalog.tables import ITEM_TYPES, arrays
from okrank.projections.rankings.ranking_changes import KEY, Entry


@dataclass
class StoredItem:
    """What an item's ranking entries are computed from and what the batch may change of its row,
    as the tables hold them, then as the batch changes them."""

    id: UUID
    workspace: str
    seq: int
    rice_score: float | None
    wsjf_score: float | None
    justification: str
    status: str
    multipliers: Multipliers
    tags: list[TagFacts] = field(default_factory=list)
    exercise_scores: list[tuple[UUID, UUID, float | None]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # as ranking_entries holds them now
    entry_rows: list[tuple[Any, ...]] = field(default_factory=list)  # as ENTRY_COLUMNS
    done_at: datetime | None = None
    # The row's RICE inputs (reach, impact, confidence, effort) and WSJF inputs (business
    # value, time criticality, risk reduction, job size): None where not scored.
    rice: tuple[float | None, ...] = (None,) * 4
    wsjf: tuple[int | None, ...] = (None,) * 4
    version: int = 0  # set by the batch's change (the row's version and time then)
    updated_at: datetime | None = None
    # coverage_facts() as the tables hold them: taken when the item is built from its row.
    counted: tuple[Any, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.counted = self.coverage_facts()

    def coverage_facts(self) -> tuple[Any, ...]:
        """What the coverage tallies count of what a held change can move: whether the item is
        still open, its RICE effort and its WSJF job size (its justification and tags are
        never changed in memory). Unchanged: the flush leaves its tallies alone."""
        return (self.status in UNRANKED_STATUSES, self.rice[3], self.wsjf[3])

    def row(self) -> tuple[Any, ...]:
        """As UPDATE_STORED takes it."""
        return (
            self.id, self.status, self.done_at, self.version, self.updated_at,
            *self.rice, self.rice_score, *self.wsjf, self.wsjf_score,
        )  # fmt: skip


# The columns a held item's change may move, in StoredItem.row()'s order after the id.
STORED_COLUMNS = (
    "status", "done_at", "version", "updated_at", "reach", "impact", "confidence", "effort",
    "rice_score", "business_value", "time_criticality", "risk_reduction", "job_size",
    "wsjf_score",
)  # fmt: skip
_COLUMNS = ", ".join(STORED_COLUMNS)
UPDATE_STORED = (
    f"UPDATE backlog_items b SET ({_COLUMNS}) = ({', '.join(f'u.{c}' for c in STORED_COLUMNS)})"
    f" FROM unnest({arrays(ITEM_TYPES[c] for c in ('id', *STORED_COLUMNS))})"
    f" AS u(id, {_COLUMNS}) WHERE b.id = u.id"
)


def load(curs: Cursor[Any], item_ids: list[UUID]) -> dict[UUID, StoredItem]:
    """The items' rows, tags (to objectives the catalog has), exercise scores and ranking
    entries, as `recompute_rankings` reads them for one item: four queries, one round trip.
    An item the catalog does not have is not in the answer."""
    conn = curs.connection
    i_cur, t_cur, x_cur, e_cur = conn.cursor(), conn.cursor(), conn.cursor(), conn.cursor()
    i_cur.execute(
        "SELECT i.id, i.workspace, i.seq, i.rice_score, i.wsjf_score, i.justification,"
        " i.status, i.done_at, i.reach, i.impact, i.confidence, i.effort, i.business_value,"
        " i.time_criticality, i.risk_reduction, i.job_size, w.direct, w.indirect, w.untagged"
        " FROM backlog_items i LEFT JOIN workspaces w ON w.workspace = i.workspace"
        " WHERE i.id = ANY(%b)",
        (item_ids,),
        binary=True,
    )
    t_cur.execute(
        "SELECT t.item_id, t.objective_id, t.tier, o.status = 'ACTIVE' AS active"
        " FROM item_tags t JOIN objectives o ON o.id = t.objective_id"
        " WHERE t.item_id = ANY(%b)",
        (item_ids,),
        binary=True,
    )
    x_cur.execute(
        "SELECT item_id, exercise_id, objective_id, score FROM exercise_results"
        " WHERE item_id = ANY(%b) AND segment = ''",
        (item_ids,),
        binary=True,
    )
    e_cur.execute(
        f"SELECT scope, method, priority, {KEY} FROM ranking_entries WHERE item_id = ANY(%b)",
        (item_ids,),
        binary=True,
    )
    found: dict[UUID, StoredItem] = {}
    for r in i_cur.fetchall():
        m = Multipliers()
        if r["direct"] is not None:  # the workspace has a row of multipliers
            m = Multipliers(r["direct"], r["indirect"], r["untagged"])
        found[r["id"]] = StoredItem(
            r["id"], r["workspace"], r["seq"], r["rice_score"], r["wsjf_score"],
            r["justification"], r["status"], m, done_at=r["done_at"],
            rice=(r["reach"], r["impact"], r["confidence"], r["effort"]),
            wsjf=(r["business_value"], r["time_criticality"], r["risk_reduction"], r["job_size"]),
        )  # fmt: skip
    for r in t_cur.fetchall():
        found[r["item_id"]].tags.append(TagFacts(r["objective_id"], Tier(r["tier"]), r["active"]))
    for r in x_cur.fetchall():
        found[r["item_id"]].exercise_scores.append(
            (r["exercise_id"], r["objective_id"], r["score"])
        )
    for r in e_cur.fetchall():
        found[r["item_id"]].entries.append(
            Entry(
                r["scope"],
                r["method"],
                (r["k_unscored"], r["k_priority"], r["k_base"], r["seq"], r["item_id"]),
                r["priority"],
            )
        )
    return found
