"""MaxDiff CSV import: the two real data sets round-tripped through the import format, and every
kind of bad row reported with its line number."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import pearsonr

from okrank.domain.csv_import import CsvImportError, CsvRowError
from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.maxdiff_analysis import analyse
from okrank.domain.exercises.methods.maxdiff_csv import ImportedResponse, parse_responses_csv
from tests.support.maxdiff_data import FRUIT, fruit_csv, to_responses, vdata_csv


def test_real_survey_vdata_through_the_csv_import():
    text, items = vdata_csv()
    # Callers pass titles and IDs: here titles in upper case (the file has them in lower case,
    # so they match case-insensitively) and made-up IDs, both mapped to the candidate key.
    labels = {name.upper(): f"id-{name}" for name in items} | {
        f"#{n}": f"id-{name}" for n, name in enumerate(items)
    }
    imported = parse_responses_csv(text, labels)
    assert len(imported) == 350 * 13 and {r.segment for r in imported} == {None}
    keys = [f"id-{name}" for name in items]
    results = analyse(to_responses(imported, keys), len(items))
    assert all(r.shown == 350 * 4 for r in results)  # 13 sets of 4, every item 4 times
    assert sum(r.best for r in results) == sum(r.worst for r in results) == 350 * 13
    by_counting = sorted(results, key=lambda r: -r.counting_score)
    by_utility = sorted(results, key=lambda r: r.rank)
    assert [r.item for r in by_counting[:3]] == [r.item for r in by_utility[:3]]
    assert [r.item for r in by_counting[-3:]] == [r.item for r in by_utility[-3:]]
    utilities = [r.utility for r in results]
    assert pearsonr([r.analytical_utility for r in results], utilities).statistic > 0.95


def test_real_survey_fruit_through_the_csv_import():
    text, design = fruit_csv()
    imported = parse_responses_csv(text, {name: n for n, name in enumerate(FRUIT)})
    assert len(imported) == 700
    # The design decoded: set q shows design row q, in its order, for every respondent.
    assert all(r.shown == design[r.set_number - 1] for r in imported)
    assert {r.segment for r in imported if r.respondent == "3"} == {"odd"}
    results = analyse(to_responses(imported, list(range(7))), 7)
    assert all(r.shown == 100 * 4 for r in results)  # each fruit in 4 of the 7 sets
    assert sum(r.best for r in results) == sum(r.worst for r in results) == 700
    counting = np.array([r.counting_score for r in results])
    utilities = np.array([r.utility for r in results])
    assert np.argmax(counting) == np.argmax(utilities) and np.argmin(counting) == np.argmin(
        utilities
    )
    assert pearsonr([r.analytical_utility for r in results], utilities).statistic > 0.95


LABELS = {"Search": "c1", "Export": "c2", "Dark mode": "c3", "SSO": "c4", "Audit log": "c5"}
HEADER = "respondent,set,items,best,worst,segment\n"


def parse(body: str, header: str = HEADER) -> list[ImportedResponse]:
    return parse_responses_csv(header + body, LABELS)


def bad_rows(body: str, header: str = HEADER) -> list[CsvRowError]:
    with pytest.raises(CsvImportError) as caught:
        parse(body, header)
    assert caught.value.path == ["csv"] and isinstance(caught.value, ValidationError)
    return caught.value.rows


def test_a_good_file_with_lenient_labels():
    rows = parse(
        "alice,1, search | EXPORT|Dark mode ,dark MODE,Export,ent\n"
        "\n"  # blank lines are skipped but still counted
        '"alice",2,"Search|SSO|Audit log",Audit log,Search,ent\n'
        "bob,1,Search|Export|SSO,SSO,Search,\n"
    )
    assert rows[0] == ImportedResponse("alice", 1, ("c1", "c2", "c3"), "c3", "c2", "ent")
    assert rows[1].shown == ("c1", "c4", "c5") and rows[1].best == "c5"
    assert rows[2].segment is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("alice,1,Search|Export|Nope,Search,Export,", "unknown item 'Nope'"),
        ("alice,1,Search|Export|SSO,Search,Search,", "best and worst are the same item 'Search'"),
        ("alice,1,Search|Export|SSO,Audit log,Export,", "best 'Audit log' is not among the items"),
        ("alice,1,Search|Export|SSO,Search,Dark mode,", "worst 'Dark mode' is not among the items"),
        ("alice,1,Search|Export|search,Search,Export,", "item 'search' appears twice"),
        ("alice,1,Search|Export,Search,Export,", "3 to 20 items, this one 2"),
        (",1,Search|Export|SSO,Search,Export,", "respondent is empty"),
        ("alice,one,Search|Export|SSO,Search,Export,", "set must be a whole number, got 'one'"),
        ("alice,1.5,Search|Export|SSO,Search,Export,", "set must be a whole number, got '1.5'"),
        ("alice,1,Search||SSO,Search,SSO,", "empty label"),
        ("alice,1,Search|Export|SSO,,Export,", "best is empty"),
        ("alice,1,Search|Export|SSO,Nope,Export,", "unknown best item 'Nope'"),
        ("alice,1,Search|Export|SSO,Search,Export", "expected 6 fields, found 5"),
        ('alice,1,"Search|Export|SSO"x,Search,Export,', "check the quotes"),
    ],
)
def test_each_kind_of_bad_row_is_named_with_its_line(row, message):
    good = "bob,1,Search|Export|SSO,Search,Export,\n"
    rows = bad_rows(good + row + "\n" + good.replace("bob", "carol"))
    assert [r.line for r in rows] == [3]
    assert message in rows[0].message


def test_too_many_items_in_a_set():
    labels = {f"item {n}": n for n in range(25)}
    many = "|".join(f"item {n}" for n in range(21))
    with pytest.raises(CsvImportError, match="this one 21"):
        parse_responses_csv(HEADER + f"a,1,{many},item 0,item 1,\n", labels)


def test_cross_row_problems_point_at_the_first_occurrence():
    rows = bad_rows(
        "alice,1,Search|Export|SSO,Search,Export,ent\n"
        "alice,2,Search|Export|SSO,Search,Export,smb\n"
        "alice,1,Search|Export|SSO,SSO,Export,ent\n"
        "bob,1,Search|Export|SSO,SSO,Export,\n"
        "bob,2,Search|Export|SSO,SSO,Export,smb\n"
    )
    assert [(r.line, r.message) for r in rows] == [
        (3, "respondent 'alice' has segment 'smb' here but 'ent' on line 2"),
        (4, "respondent 'alice' answers set 1 twice (first on line 2)"),
        (6, "respondent 'bob' has segment 'smb' here but (blank) on line 5"),
    ]


def test_a_row_spanning_lines_is_numbered_by_its_first_line():
    rows = bad_rows('alice,1,"Search|\nExport|SSO",Search,Nope,\n')
    assert [(r.line, r.message) for r in rows] == [(2, "unknown worst item 'Nope'")]
    rows = bad_rows('alice,1,"Search|\nExport|SSO",Search,Export,\nbob,x,a|b|c,a,b,\n')
    assert rows[0].line == 4


def test_an_ambiguous_label():
    labels = {"API": "c1", "Api": "c2", "SSO": "c3", "Search": "c4"}
    text = HEADER + "a,1,api|SSO|Search,SSO,Search,\na,2,API|SSO|Search,API,SSO,\n"
    with pytest.raises(CsvImportError) as caught:
        parse_responses_csv(text, labels)
    assert [(r.line, r.message) for r in caught.value.rows] == [
        (2, "item 'api' matches more than one candidate")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("\n\n", "line 1: the file is empty"),
        (HEADER, "line 1: no responses after the header"),
        ("respondent,set,items,best\n", "missing column worst"),
        ("respondent,set,items,best,worst,comment\n", "unknown column 'comment'"),
        ("respondent,set,items,best,worst,Set\n", "column set appears more than once"),
        ("respondent,set,items,best,worst,\n", "a column has no name"),
        ('"respondent,set\n', "check the quotes"),
    ],
)
def test_file_level_problems(text, message):
    with pytest.raises(CsvImportError, match=message):
        parse_responses_csv(text, LABELS)


def test_a_bad_file_imports_nothing_and_lists_every_bad_row_up_to_a_cap():
    good = "a{n},1,Search|Export|SSO,Search,Export,\n"
    bad = "b{n},1,Search|Export|Nope,Search,Export,\n"
    body = "".join((bad if n % 2 else good).format(n=n) for n in range(300))
    with pytest.raises(CsvImportError) as caught:
        parse(body)
    error = caught.value
    assert len(error.rows) == 100 and error.omitted == 50
    assert [r.line for r in error.rows[:3]] == [3, 5, 7]
    assert error.message.startswith("150 bad rows: line 3: unknown item 'Nope'; line 5:")
    assert error.message.endswith("; and 145 more")


def test_header_names_are_case_insensitive_and_a_bom_is_ignored():
    text = "\ufeffWORST, Best ,Items,SET,Respondent\nExport,Search,Search|Export|SSO,4,x\n"
    (row,) = parse_responses_csv(text, LABELS)
    assert (row.respondent, row.set_number, row.best, row.worst, row.segment) == (
        "x",
        4,
        "c1",
        "c2",
        None,
    )


def test_the_row_limit():
    body = "".join(f"r{n},1,Search|Export|SSO,Search,Export,\n" for n in range(11))
    with pytest.raises(CsvImportError, match="line 12: more than 10 rows"):
        parse_responses_csv(HEADER + body, LABELS, max_rows=10)
    assert len(parse_responses_csv(HEADER + body, LABELS, max_rows=11)) == 11


ANCHORED = "respondent,set,items,best,worst,important,duration\n"


def test_threshold_answers_and_durations_are_read_from_their_optional_columns():
    rows = parse(
        "alice,1,Search|Export|SSO,Search,Export,Yes,95.5\n"
        "alice,2,Search|Export|SSO,SSO,Export,no,95.5\n"
        "bob,1,Search|Export|SSO,SSO,Search,,\n",
        ANCHORED,
    )
    assert [(r.important, r.duration) for r in rows] == [(True, 95.5), (False, 95.5), (None, None)]
    assert parse("bob,1,Search|Export|SSO,SSO,Search,\n")[0].important is None


def test_bad_threshold_answers_and_durations_are_named_with_their_line():
    rows = bad_rows(
        "alice,1,Search|Export|SSO,Search,Export,maybe,10\n"
        "alice,2,Search|Export|SSO,Search,Export,yes,-3\n"
        "bob,1,Search|Export|SSO,Search,Export,yes,10\n"
        "bob,2,Search|Export|SSO,Search,Export,yes,12\n",
        ANCHORED,
    )
    assert [(r.line, r.message) for r in rows] == [
        (2, "important must be yes or no (or blank), got 'maybe'"),
        (
            3,
            "duration must be a number of seconds (0 or more), got '-3'; respondent 'alice' "
            "has duration '-3' here but '10' on line 2",
        ),
        (5, "respondent 'bob' has duration '12' here but '10' on line 4"),
    ]
