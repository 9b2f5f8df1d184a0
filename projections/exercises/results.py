"""An exercise's results in the read model: computed from its ballots and imported rows when it
closes (or a respondent is excluded or reinstated after), dropped when it reopens."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.types.json import Jsonb

from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.result_types import Participant
from okrank.domain.exercises.results import compute


def drop_results(curs: Cursor[Any], exercise_id: UUID) -> None:
    for table in ("exercise_results", "exercise_groups", "exercise_respondents"):
        curs.execute(f"DELETE FROM {table} WHERE exercise_id = %s", (exercise_id,))
    curs.execute("UPDATE exercises SET segment_agreement = NULL WHERE id = %s", (exercise_id,))


def store_results(curs: Cursor[Any], e: Any, workspace: str) -> list[UUID]:
    """Compute and store the results from the ballots and imported rows, leaving out excluded
    respondents; returns the candidates."""
    ex = curs.execute(
        "SELECT objective_id, method, imported, excluded FROM exercises WHERE id = %s",
        (e.originator_id,),
    ).fetchone()
    excluded = set(ex["excluded"] or {})
    imported = ex["imported"]
    if imported and excluded:
        rows = [r for r in imported["rows"] if str(r[0]) not in excluded]
        imported = {**imported, "rows": rows}
    candidates = curs.execute(
        "SELECT item_id, price FROM exercise_candidates WHERE exercise_id = %s ORDER BY seq",
        (e.originator_id,),
    ).fetchall()
    people = curs.execute(
        "SELECT subject, segment, ballot, design, budget, CASE WHEN revisions > 1 THEN"
        " extract(epoch FROM submitted_at - first_submitted_at) END AS duration"
        " FROM exercise_participants WHERE exercise_id = %s ORDER BY seq",
        (e.originator_id,),
    ).fetchall()
    results = compute(
        ExerciseMethod(ex["method"]),
        [c["item_id"] for c in candidates],
        {c["item_id"]: c["price"] or 0.0 for c in candidates},
        [
            Participant(
                p["subject"],
                p["segment"],
                p["ballot"],
                p["design"],
                p["budget"] or 0.0,
                None if p["duration"] is None else float(p["duration"]),
            )
            for p in people
            if p["subject"] not in excluded
        ],
        imported,
    )
    # One INSERT … SELECT FROM unnest per table, not executemany: in the catalog's pipelined
    # transaction a fetch after executemany could read an INSERT's result (see audit/chain_view).
    groups = [results.overall, *results.segments]
    curs.execute(
        "INSERT INTO exercise_groups (exercise_id, segment, respondents, summary)"
        " SELECT %s, * FROM unnest(%b::text[], %b::int[], %b::jsonb[])",
        (
            e.originator_id,
            [g.segment for g in groups],
            [g.respondents for g in groups],
            [Jsonb(g.summary) for g in groups],
        ),
    )
    placed = [(g.segment, o) for g in groups for o in g.items]
    if placed:
        curs.execute(
            "INSERT INTO exercise_results (exercise_id, segment, item_id, workspace,"
            " objective_id, rank, score, detail) SELECT %s, r.segment, r.item_id, %s, %s,"
            " r.rank, r.score, r.detail FROM unnest(%b::text[], %b::uuid[], %b::int[],"
            " %b::float8[], %b::jsonb[]) AS r(segment, item_id, rank, score, detail)",
            (
                e.originator_id,
                workspace,
                ex["objective_id"],
                [segment for segment, _ in placed],
                [o.item_id for _, o in placed],
                [o.rank for _, o in placed],
                [o.score for _, o in placed],
                [Jsonb(o.detail) for _, o in placed],
            ),
        )
    if results.respondents:
        people_ = results.respondents
        curs.execute(
            "INSERT INTO exercise_respondents (exercise_id, respondent, workspace, segment,"
            " utilities, quality) SELECT %s, r.respondent, %s, r.segment, r.utilities,"
            " r.quality FROM unnest(%b::text[], %b::text[], %b::jsonb[], %b::jsonb[])"
            " AS r(respondent, segment, utilities, quality)",
            (
                e.originator_id,
                workspace,
                [r.respondent for r in people_],
                [r.segment for r in people_],
                [Jsonb({str(k): v for k, v in r.utilities.items()}) for r in people_],
                [Jsonb(r.quality) for r in people_],
            ),
        )
    curs.execute(
        "UPDATE exercises SET segment_agreement = %s WHERE id = %s",
        (Jsonb(results.segment_agreement), e.originator_id),
    )
    return [c["item_id"] for c in candidates]
