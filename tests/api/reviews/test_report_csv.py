"""The review report's CSV cells: text a spreadsheet would run as a formula is written inert,
numbers (negative ones too) and booleans as themselves."""

from __future__ import annotations

import csv
import io

from okrank.api.reviews.report import report_csv


def test_titles_and_notes_that_look_like_formulas_are_written_inert_and_numbers_as_numbers():
    movement = {
        "objectiveId": "O",
        "keyResultId": "K",
        "tier": "DIRECT",
        "valueAtCompletion": 5.0,
        "valueAtWindowEnd": 4.0,
        "progressChange": -0.2,
        "moved": False,
    }
    outcome = {
        "itemId": "I",
        "title": '=HYPERLINK("http://127.0.0.1/x")',
        "doneAt": "2026-08-01T00:00:00+00:00",
        "effort": None,
        "reassess": True,
        "verdict": None,
        "note": "@SUM(A1)",
        "movements": [movement],
    }
    (row,) = csv.DictReader(io.StringIO(report_csv({"outcomes": [outcome]})))
    assert row["title"] == """'=HYPERLINK("http://127.0.0.1/x")""" and row["note"] == "'@SUM(A1)"
    assert row["progress_change"] == "-0.2" and row["reassess"] == "true" and row["effort"] == ""
