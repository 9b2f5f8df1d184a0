"""MaxDiff CSV exports: answers in the import's own format (an export imports again) and
utilities; cells a spreadsheet would run as formulas are defused."""

from __future__ import annotations

from okrank.domain.exercises.methods.maxdiff_csv import parse_responses_csv
from okrank.domain.exercises.methods.maxdiff_export import answers_csv, utilities_csv
from tests.support.maxdiff_data import vdata_csv


def test_exported_answers_import_again_unchanged():
    text, items = vdata_csv()
    labels = {i: i for i in items}
    imported = parse_responses_csv(text, labels)
    exported = answers_csv(
        (r.respondent, r.set_number, r.shown, r.best, r.worst, r.segment or "", None, None)
        for r in imported
    )
    assert exported.splitlines()[0] == "respondent,set,items,best,worst,segment"
    assert parse_responses_csv(exported, labels) == imported


def test_threshold_answers_and_durations_are_exported_and_import_again():
    labels = {"A": "A", "B": "B", "C": "C"}
    rows = [
        ("ann", 1, ["A", "B", "C"], "A", "C", "", True, 61.5),
        ("ann", 2, ["A", "B", "C"], "B", "A", "", False, 61.5),
        ("bo", 1, ["A", "B", "C"], "C", "B", "", None, None),
    ]
    exported = answers_csv(rows)
    assert exported.splitlines()[:2] == [
        "respondent,set,items,best,worst,segment,important,duration",
        "ann,1,A|B|C,A,C,,yes,61.5",
    ]
    again = parse_responses_csv(exported, labels)
    assert [(r.important, r.duration) for r in again] == [(True, 61.5), (False, 61.5), (None, None)]


def test_formula_cells_are_defused():
    text = utilities_csv(["=cmd()", "ok"], [("@evil", "-seg", [1.0, -0.5])])
    assert text.splitlines() == ["respondent,segment,'=cmd(),ok", "'@evil,'-seg,1.000000,-0.500000"]
