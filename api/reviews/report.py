"""A quarterly review's report as plain values (the JSON export) and as CSV rows: what the
`quarterlyReview` query shows (attainment, delivery, each done item's outcome with its verdict,
what the backlog reset archived, seeded and left to re-groom), read in one snapshot.

CSV holds one row per (item, key result it was tagged to), the item's verdict on each of its
rows; an untagged item has one row with the key-result columns empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from okrank.api.database.read_pool import ReadPool
from okrank.api.database.snapshot import snapshot
from okrank.api.graphql.rows import global_id_or_none as gid
from okrank.domain.reviews.outcomes import OutcomeAudit
from okrank.domain.text import spreadsheet_cell

CSV_COLUMNS = (
    "item_id",
    "title",
    "done_at",
    "effort",
    "reassess",
    "verdict",
    "note",
    "objective_id",
    "key_result_id",
    "tier",
    "value_at_completion",
    "value_at_window_end",
    "progress_change",
    "moved",
)


async def review_report(pool: ReadPool, workspace: str, review_id: UUID) -> dict | None:
    """The report of a review of `workspace`; None if it has none by that id."""
    async with snapshot(pool) as conn:
        review = await conn.fetchrow(
            "SELECT * FROM quarterly_reviews WHERE workspace = $1 AND id = $2"
            " AND audit IS NOT NULL",
            workspace,
            review_id,
        )
        if review is None:
            return None
        verdicts = await conn.fetch(
            "SELECT item_id, verdict, note FROM review_verdicts WHERE review_id = $1", review_id
        )
        items = await conn.fetch(
            "SELECT * FROM review_items WHERE review_id = $1 ORDER BY seq", review_id
        )
    return report_of(review, {v["item_id"]: v for v in verdicts}, items)


def report_of(review: Any, verdicts: dict[UUID, Any], items: list[Any]) -> dict:
    audit = OutcomeAudit.from_record(review["audit"])
    remaining = [r for r in items if r["role"] == "REMAINING"]
    return {
        "review": {
            "id": gid("QuarterlyReview", review["id"]),
            "team": review["team"] or None,
            "cycle": review["cycle"],
            "lagDays": review["lag_days"],
            "phase": review["phase"],
            "draft": not review["audit_final"],
            "windowEnd": audit.window_end.isoformat(),
            "auditedAt": audit.taken_at.isoformat(),
            "provisional": audit.provisional,
            "nextCycle": review["next_cycle"],
            "closeReason": review["close_reason"] or None,
            "completedAt": None
            if review["completed_at"] is None
            else review["completed_at"].isoformat(),
            "version": review["version"],
        },
        "delivery": {"itemsDone": audit.items_done, "effortDone": audit.effort_done},
        "attainment": [
            {"objectiveId": gid("Objective", a.objective_id), "grade": a.grade}
            for a in audit.objectives
        ],
        "outcomes": [
            {
                "itemId": gid("BacklogItem", o.item_id),
                "title": o.title,
                "doneAt": o.done_at.isoformat(),
                "effort": o.effort,
                "reassess": o.reassess,
                "verdict": (v := verdicts.get(o.item_id)) and v["verdict"],
                "note": v and v["note"],
                "movements": [
                    {
                        "objectiveId": gid("Objective", m.objective_id),
                        "keyResultId": gid("KeyResult", m.key_result_id),
                        "tier": m.tier,
                        "valueAtCompletion": m.value_at_completion,
                        "valueAtWindowEnd": m.value_at_window_end,
                        "progressChange": m.progress_change,
                        "moved": m.moved,
                    }
                    for m in o.movements
                ],
            }
            for o in audit.outcomes
        ],
        "archivedItemIds": [
            gid("BacklogItem", r["item_id"]) for r in items if r["role"] == "ARCHIVED"
        ],
        "seedItems": [
            {
                "objectiveId": gid("Objective", r["objective_id"]),
                "itemId": gid("BacklogItem", r["item_id"]),
            }
            for r in items
            if r["role"] == "SEED"
        ],
        "regrooming": {
            "handled": sum(r["action"] is not None for r in remaining),
            "toGo": sum(r["action"] is None for r in remaining),
            "items": [
                {
                    "itemId": gid("BacklogItem", r["item_id"]),
                    "action": r["action"],
                    "objectiveId": gid("Objective", r["objective_id"]),
                    "tier": r["tier"],
                }
                for r in remaining
            ],
        },
    }


def csv_rows(report: dict) -> Iterator[list[Any]]:
    """CSV_COLUMNS' values, one row per (item, key result)."""
    for o in report["outcomes"]:
        item = [
            o["itemId"],
            o["title"],
            o["doneAt"],
            o["effort"],
            o["reassess"],
            o["verdict"],
            o["note"],
        ]
        for m in o["movements"] or [None]:
            yield item + (
                [None] * 7
                if m is None
                else [
                    m["objectiveId"],
                    m["keyResultId"],
                    m["tier"],
                    m["valueAtCompletion"],
                    m["valueAtWindowEnd"],
                    m["progressChange"],
                    m["moved"],
                ]
            )


def csv_cell(value: Any) -> Any:
    """A cell as written: empty for null, booleans lower-case, text safe from spreadsheets
    (a title or note of "=…" is not run as a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return spreadsheet_cell(value) if isinstance(value, str) else value


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()
