"""The MaxDiff CSV exports of an exercise: answers (re-importable) and individual utilities.
Items are written as their raw item UUIDs, which the import accepts as labels."""

from __future__ import annotations

from typing import Any

from okrank.api.exercises import reads
from okrank.domain.exercises.methods.maxdiff_export import answers_csv, utilities_csv
from okrank.domain.exercises.result_types import StoredImportRow


async def answers_export(ctx: Any, row: Any) -> str:
    rows = []
    for p in await reads.ballots_and_designs(ctx.pool, ctx.workspace, row["id"]):
        important = dict(p["ballot"].get("anyImportant", []))
        for set_index, best, worst in p["ballot"].get("answers", []):
            shown = p["design"][set_index]
            said = important.get(set_index)
            rows.append((p["subject"], set_index + 1, shown, best, worst, p["segment"], said, None))
    imported = row["imported"]
    if imported:
        items = imported["items"]
        for stored in imported["rows"]:
            r = StoredImportRow.of(stored)
            labels = [items[i] for i in r.shown]
            rows.append(
                (
                    r.respondent,
                    r.set_number,
                    labels,
                    items[r.best],
                    items[r.worst],
                    r.segment,
                    r.important,
                    r.duration,
                )
            )
    return answers_csv(rows)


async def utilities_export(ctx: Any, row: Any) -> str:
    candidates = [
        str(c["item_id"]) for c in await reads.candidates(ctx.pool, ctx.workspace, row["id"])
    ]
    respondents = await reads.respondents_all(ctx.pool, ctx.workspace, row["id"])
    return utilities_csv(
        candidates,
        (
            (r["respondent"], r["segment"], [r["utilities"].get(c, 0.0) for c in candidates])
            for r in respondents
        ),
    )
