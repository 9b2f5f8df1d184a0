"""Coverage tallies: the counts `coverage(team, cycle)` is made of, kept by the catalog so a
read sums a few dozen rows instead of scanning the team's open items.

Two tables, both of open items only (every status but those that left the backlog):
- `coverage_classes`: per (workspace, team, cycle) the items grouped by what decides their
  coverage class: their DIRECT / INDIRECT tags to the ACTIVE objectives of that cycle,
  their justification, which estimates they have; count and sums of their estimates. The
  cycle '' holds all the team's open items (with no tag flags): the items a cycle's tags do
  not reach are those minus the cycle's rows.
- `coverage_objectives`: per (workspace, team, objective, tier) the tagged open items, by the
  estimates they have; the read keeps the objectives active in its cycle.

An item's share of them (its contribution) is a function of its row, its tags and those
objectives' status: a handler that changes one of them retracts the contributions of the
items concerned before the change and counts them again after it. RICE efforts are summed as
numeric so retracting what was counted leaves exactly what was there. A rebuild counts each
workspace it touched afresh instead, once at its end (the replay changes every item many times).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any
from uuid import UUID

from psycopg import Cursor

from okrank.domain.backlog.item import UNRANKED_STATUSES
from okrank.domain.okrs.objective import ObjectiveStatus
from okrank.domain.rankings.scoring import Tier
from okrank.projections.catalog.batch import CatalogBatch

ALL_OPEN = ""  # the cycle of the rows that count all the team's open items
ESTIMATES = "items bigint NOT NULL, rice_effort numeric NOT NULL, job_size bigint NOT NULL"
CLASS_KEY = "workspace, team, cycle, direct, indirect, justified, has_rice, has_wsjf"
OBJECTIVE_KEY = "workspace, team, objective_id, tier, has_rice, has_wsjf"
TABLES = {
    "coverage_classes": f"""
        CREATE TABLE IF NOT EXISTS coverage_classes (
            workspace text NOT NULL, team text NOT NULL, cycle text NOT NULL,
            direct bool NOT NULL, indirect bool NOT NULL, justified bool NOT NULL,
            has_rice bool NOT NULL, has_wsjf bool NOT NULL, {ESTIMATES},
            PRIMARY KEY ({CLASS_KEY}))""",
    "coverage_objectives": f"""
        CREATE TABLE IF NOT EXISTS coverage_objectives (
            workspace text NOT NULL, team text NOT NULL, objective_id uuid NOT NULL,
            tier text NOT NULL, has_rice bool NOT NULL, has_wsjf bool NOT NULL, {ESTIMATES},
            PRIMARY KEY ({OBJECTIVE_KEY}))""",
}

# The contributions of the open items that `{scope}` selects (a condition on `i`).
FACTS = "i.justification <> '', i.effort IS NOT NULL, i.job_size IS NOT NULL"
SUMS = "count(*), coalesce(sum(i.effort::numeric), 0), coalesce(sum(i.job_size), 0)"
OPEN = "{scope} AND NOT (i.status = ANY(%(left)s))"
CLASS_ROWS = f"""
SELECT i.workspace, i.team, '{ALL_OPEN}', false, false, {FACTS}, {SUMS}
FROM backlog_items i WHERE {OPEN}
GROUP BY i.workspace, i.team, 6, 7, 8
UNION ALL
SELECT i.workspace, i.team, c.cycle, c.direct, c.indirect, {FACTS}, {SUMS}
FROM backlog_items i CROSS JOIN LATERAL (
    SELECT o.cycle, bool_or(t.tier = %(direct)s) AS direct, bool_or(t.tier = %(indirect)s)
        AS indirect
    FROM item_tags t JOIN objectives o ON o.id = t.objective_id
    WHERE t.item_id = i.id AND o.workspace = i.workspace AND o.status = %(active)s
    GROUP BY o.cycle) c
WHERE {OPEN}
GROUP BY i.workspace, i.team, c.cycle, c.direct, c.indirect, 6, 7, 8"""
OBJECTIVE_ROWS = f"""
SELECT i.workspace, i.team, t.objective_id, t.tier, i.effort IS NOT NULL,
    i.job_size IS NOT NULL, {SUMS}
FROM backlog_items i JOIN item_tags t ON t.item_id = i.id WHERE {OPEN}
GROUP BY i.workspace, i.team, t.objective_id, t.tier, 5, 6"""
# The contributions times %(sign)s (1: count, -1: retract), added to the rows there are. A
# retraction before the first count of a key inserts a negative row; the count after cancels it.
ADD = """
INSERT INTO {table} AS c ({key}, items, rice_effort, job_size)
SELECT {key}, %(sign)s * items, %(sign)s * rice_effort, %(sign)s * job_size
FROM ({rows}) r ({key}, items, rice_effort, job_size)
ON CONFLICT ({key}) DO UPDATE SET items = c.items + EXCLUDED.items,
    rice_effort = c.rice_effort + EXCLUDED.rice_effort, job_size = c.job_size + EXCLUDED.job_size"""
TALLIES = (
    ("coverage_classes", CLASS_KEY, CLASS_ROWS),
    ("coverage_objectives", OBJECTIVE_KEY, OBJECTIVE_ROWS),
)
# The items of a list, sent as a binary array (%b): thousands of UUIDs dumped as text cost the
# client several times the CPU.
BY_ITEMS = "i.id = ANY(%(items)b)"
EMPTIED = "DELETE FROM {table} WHERE workspace = ANY(%(workspaces)s) AND items = 0"


def _parameters(**more: Any) -> dict[str, Any]:
    return {
        "left": sorted(UNRANKED_STATUSES),
        "direct": Tier.DIRECT.value,
        "indirect": Tier.INDIRECT.value,
        "active": ObjectiveStatus.ACTIVE.value,
        **more,
    }


def _add(curs: Cursor[Any], scope: str, sign: int, **parameters: Any) -> None:
    """Count (sign 1) or retract (sign -1) the contributions of the items `scope` selects."""
    for table, key, rows in TALLIES:
        statement = ADD.format(table=table, key=key, rows=rows.format(scope=scope))
        curs.execute(statement, _parameters(sign=sign, **parameters))


def _drop_emptied(curs: Cursor[Any], workspaces: Collection[str]) -> None:
    """Rows that now count nothing: gone, as a fresh count would never make them."""
    for table, _, _ in TALLIES:
        curs.execute(EMPTIED.format(table=table), {"workspaces": sorted(workspaces)})


def recount(b: CatalogBatch, items: list[UUID], change: Callable[[], None]) -> None:
    """`change()` (a handler's writes to the items' rows, tags or objectives), with the items'
    contributions retracted before it and counted after it. An item created in this batch and
    held in memory (catalog.new_items) is not in the tables yet: it is counted once, as it is
    written (`count_written`). Rebuilding: the change alone, and the items' workspace counted
    afresh at the end of the replay (CatalogView.finish_replay)."""
    if not items:
        change()
        return
    if b.rebuilding:
        change()
        b.coverage_workspaces.add(b.item_workspace(items[0]))
        return
    stored = [i for i in items if b.new_items.get(i) is None]
    if stored:
        _add(b.curs, "i.id = ANY(%(items)s)", -1, items=stored)
    change()
    stored = [i for i in items if b.new_items.get(i) is None]  # the change may have created one
    if stored:
        _add(b.curs, "i.id = ANY(%(items)s)", 1, items=stored)
        _drop_emptied(b.curs, [b.item_workspace(stored[0])])


def count_written(b: CatalogBatch, items: list[UUID]) -> None:
    """Items created in this batch, just written from memory: counted for the first time
    (rebuilding: their workspaces are counted afresh at the batch's end anyway)."""
    if items and not b.rebuilding:
        _add(b.curs, BY_ITEMS, 1, items=items)


def recount_stored(b: CatalogBatch, items: Collection[Any], write: Callable[[], None]) -> None:
    """`write()` (of stored items changed in memory: catalog.stored_items, live only), with
    their contributions retracted before it and counted after it, all in one statement each."""
    if not items:
        write()
        return
    ids = [i.id for i in items]
    _add(b.curs, BY_ITEMS, -1, items=ids)
    write()
    _add(b.curs, BY_ITEMS, 1, items=ids)
    _drop_emptied(b.curs, {i.workspace for i in items})


def counted(
    handler: Callable[[CatalogBatch, Any, int], None],
) -> Callable[[CatalogBatch, Any, int], None]:
    """An item event's handler, with that item's contribution recounted around it."""

    def handle(b: CatalogBatch, e: Any, pos: int) -> None:
        recount(b, [e.originator_id], lambda: handler(b, e, pos))

    return handle


def count_workspaces(curs: Cursor[Any], workspaces: Collection[str]) -> None:
    """The workspaces' tallies counted afresh from their items, tags and objectives."""
    if not workspaces:
        return
    names = sorted(workspaces)
    for table, _, _ in TALLIES:
        curs.execute(f"DELETE FROM {table} WHERE workspace = ANY(%(w)s)", {"w": names})
    _add(curs, "i.workspace = ANY(%(workspaces)s)", 1, workspaces=names)


def fill_if_missing(curs: Cursor[Any]) -> None:
    """A catalog made before the tallies existed has items but no tallies: count them all
    (once, when the view starts leading; a fresh or rebuilt catalog has them already)."""
    if curs.execute("SELECT 1 FROM coverage_classes LIMIT 1").fetchone() is None:
        rows = curs.execute("SELECT DISTINCT workspace FROM backlog_items").fetchall()
        count_workspaces(curs, [r["workspace"] for r in rows])
