"""The backlog CSV format (domain.backlog_csv), pure: the documented kind mapping, Jira's repeated
Labels columns and Linear's comma-separated ones, a mapping, and the header's problems."""

from __future__ import annotations

import pytest

from okrank.domain.backlog.tracker_csv import parse_backlog_csv
from okrank.domain.csv_import import CsvImportError
from okrank.domain.errors import ValidationError


@pytest.mark.parametrize(
    ("issue_type", "kind"),
    [
        ("Story", "FEATURE"),
        ("Epic", "FEATURE"),
        ("Improvement", "FEATURE"),
        ("bug", "BUG"),
        ("Defect", "BUG"),
        ("Chore", "TECH_DEBT"),
        ("TECH_DEBT", "TECH_DEBT"),
        ("Spike", "DISCOVERY"),
        ("", "FEATURE"),
    ],
)
def test_tracker_issue_types_map_to_kinds(issue_type, kind):
    (row,) = parse_backlog_csv(f"Issue key,Summary,Issue Type\nA-1,x,{issue_type}\n")
    assert row.kind == kind


def test_labels_from_repeated_columns_and_from_commas_are_kept_once_in_order():
    text = 'Key,Title,Labels,Labels\nA-1,x,"ux, search",ux\n'
    assert parse_backlog_csv(text)[0].labels == ("ux", "search")


def test_other_columns_are_ignored_and_a_bom_is_skipped():
    (row,) = parse_backlog_csv("\ufeffIssue key,Summary,Sprint,Assignee\nA-1,x,S1,ann\n")
    assert (row.key, row.title) == ("A-1", "x")


def test_a_mapping_to_a_missing_header_and_an_unknown_field_are_refused():
    with pytest.raises(CsvImportError) as bad:
        parse_backlog_csv("Key,Title\nA-1,x\n", {"title": "Name"})
    assert bad.value.rows[0].line == 1 and "'Name'" in bad.value.rows[0].message
    with pytest.raises(ValidationError) as unknown:
        parse_backlog_csv("Key,Title\nA-1,x\n", {"colour": "Title"})
    assert unknown.value.path == ["mapping"]


def test_wsjf_values_off_the_scale_and_a_tier_without_objective_are_bad_rows():
    text = (
        "Key,Title,Business Value,Time Criticality,Risk Reduction,Job Size,Tier\n"
        "A-1,x,4,1,1,1,\n"
        "A-2,y,,,,,DIRECT\n"
        "A-3,z,1,2,3,5,\n"
    )
    with pytest.raises(CsvImportError) as bad:
        parse_backlog_csv(text)
    assert [r.line for r in bad.value.rows] == [2, 3]
