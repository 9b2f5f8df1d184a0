"""MaxDiff responses from other tools: the two real surveys in tests/data/maxdiff/
imported as CSV through GraphQL give the counts and utilities of the data; a bad file imports
nothing and names every bad row."""

from __future__ import annotations

from typing import Any

import pytest

from okrank.domain.exercises.methods.maxdiff_analysis import analyse
from okrank.domain.exercises.methods.maxdiff_csv import parse_responses_csv
from tests.support.builders import objective
from tests.support.exercises import EXERCISE, IMPORT, RESULTS, close, maxdiff_exercise, open_
from tests.support.maxdiff_data import FRUIT, fruit_csv, to_responses, vdata_csv


def import_csv(gql: Any, ex: dict, text: str) -> dict:
    return gql.mutate(
        "importMaxDiffResponses",
        {"exerciseId": ex["id"], "csv": text, "source": "survey tool export"},
        IMPORT,
    )


def test_the_vdata_survey_imported_as_csv_gives_its_counts_and_utilities(gql):
    text, names = vdata_csv()
    ex = maxdiff_exercise(gql, names)  # items titled as the survey's labels
    r = import_csv(gql, ex, text)
    assert r["__typename"] == "ExerciseSuccess", r
    assert r["exercise"]["importedResponses"] == 350 * 13
    open_(gql, ex)
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    assert result["respondents"] == 350
    md = {x["backlogItem"]["title"]: x["maxdiff"] for x in result["items"]}
    assert all(m["shown"] == 350 * 4 for m in md.values())  # 13 sets of 4, each item 4 times
    assert sum(m["best"] for m in md.values()) == sum(m["worst"] for m in md.values()) == 4550
    # The same file analysed directly gives the same utilities: the import is faithful.
    direct = analyse(
        to_responses(parse_responses_csv(text, {n: n for n in names}), names), len(names)
    )
    for r in direct:
        got = md[names[r.item]]
        assert (got["best"], got["worst"]) == (r.best, r.worst)
        assert got["utility"] == pytest.approx(r.utility, abs=1e-4)
        assert got["share"] == pytest.approx(r.share, abs=1e-3)
    ranked = [x["backlogItem"]["title"] for x in result["items"]]
    assert ranked == [names[r.item] for r in sorted(direct, key=lambda r: r.rank)]


def test_the_fruit_survey_imports_with_segments(gql):
    text, _ = fruit_csv()
    ex = maxdiff_exercise(gql, FRUIT)
    assert import_csv(gql, ex, text)["__typename"] == "ExerciseSuccess"
    open_(gql, ex)
    close(gql, ex)
    data = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]
    assert data["results"]["respondents"] == 100
    assert all(x["maxdiff"]["shown"] == 400 for x in data["results"]["items"])
    segments = {s["segment"]: s["respondents"] for s in data["segmentResults"]}
    assert segments == {"even": 50, "odd": 50}
    [pair] = data["segmentAgreement"]["pairs"]
    assert -1 <= pair["spearman"] <= 1


def test_a_bad_file_imports_nothing_and_names_each_bad_row(gql):
    ex = maxdiff_exercise(gql, ["Search", "Export", "SSO", "Audit log"])
    good = import_csv(
        gql, ex, "respondent,set,items,best,worst\nr1,1,Search|Export|SSO,SSO,Export\n"
    )
    assert good["exercise"]["importedResponses"] == 1
    version = good["exercise"]["version"]
    bad = (
        "respondent,set,items,best,worst\n"
        "r1,1,Search|Export|SSO,SSO,Export\n"
        "r1,2,Search|Export|Billing,Search,Export\n"  # unknown item
        "r2,1,Search|Export|SSO,SSO,SSO\n"  # best = worst
        "r2,2,Search|Export|SSO,Audit log,Export\n"  # best not shown
    )
    r = import_csv(gql, ex, bad)
    assert r["__typename"] == "CsvImportError", r
    assert [row["line"] for row in r["rows"]] == [3, 4, 5]
    assert "Billing" in r["rows"][0]["message"] and r["omitted"] == 0
    state = gql.execute(
        "query($id: ID!) { exercise(id: $id) { version importedResponses } }", {"id": ex["id"]}
    )["exercise"]
    assert state == {"version": version, "importedResponses": 1}  # the earlier import stands
    moscow = gql.mutate(
        "createExercise",
        {"objectiveId": objective(gql)["id"], "method": "MOSCOW", "title": "m"},
        EXERCISE,
    )["exercise"]
    wrong = import_csv(gql, moscow, "respondent,set,items,best,worst\n")
    assert wrong["__typename"] == "ValidationError" and "MaxDiff" in wrong["message"]
