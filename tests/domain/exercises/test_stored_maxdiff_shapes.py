"""Ballots and imports stored before anchored MaxDiff and durations (no "anyImportant" key,
six-field import rows) still give results, beside ones stored after."""

from __future__ import annotations

from uuid import uuid4

from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.result_types import Participant, StoredImportRow
from okrank.domain.exercises.results import compute


def test_old_and_new_stored_shapes_give_results_together() -> None:
    items = [uuid4() for _ in range(4)]
    ids = [str(i) for i in items]
    old_ballot = {"answers": [[0, ids[0], ids[3]], [1, ids[1], ids[2]]]}
    design = [ids, [ids[1], ids[0], ids[2], ids[3]]]
    imported = {
        "items": ids,
        "rows": [
            ["old", 1, [0, 1, 2, 3], 0, 3, ""],  # six fields, as always stored before
            ["new", 1, [0, 1, 2, 3], 1, 3, "", True, 120.0],
            ["new", 2, [0, 1, 2, 3], 0, 2, "", False, 120.0],
        ],
    }
    results = compute(
        ExerciseMethod.MAXDIFF, items, {}, [Participant("ann", "", old_ballot, design)], imported
    )
    assert results.overall.respondents == 3
    assert results.overall.summary["anchor"]["answers"] == 2
    assert StoredImportRow.of(imported["rows"][0]).important is None
    assert StoredImportRow.of(imported["rows"][1]).duration == 120.0
