"""Anchored MaxDiff and speeders through GraphQL: threshold answers in ballots and in the CSV
import place each item against "important at all"; durations flag speeders."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.support.exercises import (
    IMPORT,
    PARTICIPATION,
    close,
    maxdiff_exercise,
    open_,
    setup,
    stakeholders,
    vote,
)
from tests.support.maxdiff_data import to_csv
from tests.support.maxdiff_simulation import simulate_anchored

ANCHORED = """
query($id: ID!) { exercise(id: $id) { results {
  maxdiffFit { anchorAnswers anchorMessage }
  responseQuality { respondents speeders }
  items { backlogItem { title } maxdiff { anchoredUtility anchoredStandardError mattersAtAll } }
} respondentUtilities(first: 100) { edges { node { respondent
  quality { speeder durationSeconds flags straightliner } } } } } }
"""

TRUE = np.linspace(-2.5, 1.5, 8)  # three items above the threshold, five below
TITLES = [f"Feature {n}" for n in range(len(TRUE))]


def anchored_csv(respondents: int, fast: set[str]) -> str:
    rows = []
    for r in simulate_anchored(TRUE, respondents, seed=11):
        rows.append(
            {
                "respondent": r.respondent,
                "set": str(len([x for x in rows if x["respondent"] == r.respondent]) + 1),
                "items": "|".join(TITLES[i] for i in r.shown),
                "best": TITLES[r.best],
                "worst": TITLES[r.worst],
                "important": "yes" if r.important else "no",
                "duration": "40" if r.respondent in fast else "300",
            }
        )
    header = ["respondent", "set", "items", "best", "worst", "important", "duration"]
    return to_csv(rows, header)


def test_imported_threshold_answers_say_which_items_matter_at_all_and_durations_flag_speeders(
    gql: Any,
) -> None:
    ex = maxdiff_exercise(gql, TITLES)
    text = anchored_csv(300, fast={"1", "10"})
    r = gql.mutate("importMaxDiffResponses", {"exerciseId": ex["id"], "csv": text}, IMPORT)
    assert r["__typename"] == "ExerciseSuccess", r
    open_(gql, ex)
    close(gql, ex)
    data = gql.execute(ANCHORED, {"id": ex["id"]})["exercise"]
    results = data["results"]
    answers = text.count("\n") - 1  # one threshold answer on every row
    assert results["maxdiffFit"] == {"anchorAnswers": answers, "anchorMessage": None}
    by_title = {x["backlogItem"]["title"]: x["maxdiff"] for x in results["items"]}
    for title, truth in zip(TITLES, TRUE, strict=True):
        got = by_title[title]
        assert abs(got["anchoredUtility"] - truth) < 4 * got["anchoredStandardError"], title
        if abs(truth) > 0.3:
            assert got["mattersAtAll"] == (truth > 0), title
    assert results["responseQuality"] == {"respondents": 300, "speeders": 2}
    quality = {
        e["node"]["respondent"]: e["node"]["quality"] for e in data["respondentUtilities"]["edges"]
    }
    assert quality["10"]["speeder"] and "SPEEDER" in quality["10"]["flags"]
    assert quality["10"]["durationSeconds"] == 40.0
    assert not quality["100"]["speeder"] and quality["100"]["durationSeconds"] == 300.0


def test_a_ballot_carries_its_threshold_answers_and_its_participant_a_duration(
    gql: Any, client_factory: Any
) -> None:
    _, _, ex = setup(gql, "MAXDIFF", ["SSO", "Audit log", "Dark mode", "Export", "Search"])
    ana = stakeholders(gql, client_factory, ex, {"ana": None})["ana"]
    open_(gql, ex)
    sets = ana.execute(PARTICIPATION, {"id": ex["id"]})["exercise"]["myParticipation"]["sets"]
    answers = [
        {
            "setIndex": s["index"],
            "bestId": s["items"][0]["id"],
            "worstId": s["items"][-1]["id"],
            **({"anyImportant": n == 0} if n < 2 else {}),  # the third set: not asked
        }
        for n, s in enumerate(sets[:3])
    ]
    assert vote(ana, ex, answers=answers)["__typename"] == "ExerciseSuccess"
    mine = ana.execute(
        "query($id: ID!) { exercise(id: $id) { myParticipation { ballot { answers {"
        " setIndex anyImportant } } } } }",
        {"id": ex["id"]},
    )["exercise"]["myParticipation"]["ballot"]["answers"]
    assert [a["anyImportant"] for a in mine] == [True, False, None]
    assert vote(ana, ex, answers=answers)["__typename"] == "ExerciseSuccess"  # a revision
    close(gql, ex)
    data = gql.execute(ANCHORED, {"id": ex["id"]})["exercise"]
    assert data["results"]["maxdiffFit"]["anchorAnswers"] == 2
    # Two ballots: her duration is the time from the first to the last.
    (ana_quality,) = [e["node"]["quality"] for e in data["respondentUtilities"]["edges"]]
    assert ana_quality["durationSeconds"] is not None and ana_quality["durationSeconds"] >= 0
    exported = gql.execute("query($id: ID!) { exercise(id: $id) { answersCsv } }", {"id": ex["id"]})
    lines = exported["exercise"]["answersCsv"].splitlines()
    assert lines[0] == "respondent,set,items,best,worst,segment,important,duration"
    assert [line.split(",")[6] for line in lines[1:]] == ["yes", "no", ""]
