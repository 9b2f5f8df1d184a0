"""A MaxDiff exercise end to end through GraphQL over HTTP: balanced sets per design version,
re-scoping while open, and utilities that recover a participant's true order."""

from __future__ import annotations

import pytest

from tests.support.builders import item, tag
from tests.support.exercises import (
    EXERCISE,
    RESULTS,
    close,
    my_sets,
    open_,
    setup,
    stakeholders,
    vote,
)


def answers_by_truth(sets: list[dict], truth: list[str]) -> list[dict]:
    """A participant who always picks by the true order: best = most preferred shown."""
    out = []
    for s in sets:
        shown = sorted((i["id"] for i in s["items"]), key=truth.index)
        out.append({"setIndex": s["index"], "bestId": shown[0], "worstId": shown[-1]})
    return out


def test_maxdiff_balanced_sets_rescope_and_utilities_recover_the_order(gql, client_factory):
    titles = ["A", "B", "C", "D", "E"]
    o, items, ex = setup(gql, "MAXDIFF", titles)
    people = stakeholders(gql, client_factory, ex, {f"p{n}": None for n in range(6)})
    open_(gql, ex)
    # Each participant gets its own version: every candidate about 3 times, sets of 4.
    versions = {s: my_sets(c, ex) for s, c in people.items()}
    for sets in versions.values():
        counts = {i["id"]: 0 for i in items}
        for s in sets:
            assert len(s["items"]) == 4
            for i in s["items"]:
                counts[i["id"]] += 1
        assert max(counts.values()) - min(counts.values()) <= 1
    assert len({str(v) for v in versions.values()}) > 1  # versions differ
    diagnostics = """query($id: ID!) { exercise(id: $id) { designDiagnostics { versions
      itemFrequencySpread pairCooccurrenceSpread positionSpread pooledItemFrequencySpread
      pooledPairCooccurrenceCv pooledPositionCv dEfficiency } } }"""
    figures = gql.execute(diagnostics, {"id": ex["id"]})["exercise"]["designDiagnostics"]
    assert figures["versions"] == 6 and figures["itemFrequencySpread"] <= 1
    assert figures["positionSpread"] <= 2 and 0.9 < figures["dEfficiency"] <= 1 + 1e-9
    refused = people["p0"].post(diagnostics, {"id": ex["id"]}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # Re-scope checkpoint: a new candidate needs a reason, and reaches every participant's sets.
    late = item(gql, "F", rice=(1, 1, 1, 1))
    tag(gql, late["id"], o["id"])
    add = {"exerciseId": ex["id"], "backlogItemId": late["id"]}
    no_reason = gql.mutate("addExerciseCandidate", add, EXERCISE)
    assert no_reason["__typename"] == "ValidationError" and no_reason["path"] == [
        "input",
        "reason",
    ]
    ok = gql.mutate("addExerciseCandidate", {**add, "reason": "support escalations"}, EXERCISE)
    assert ok["__typename"] == "ExerciseSuccess", ok
    truth = [i["id"] for i in items[:2]] + [late["id"]] + [i["id"] for i in items[2:]]
    late_positions = []
    for client in people.values():
        sets = my_sets(client, ex)
        assert sum(late["id"] in [i["id"] for i in s["items"]] for s in sets) == 3
        late_positions += [
            [i["id"] for i in s["items"]].index(late["id"])
            for s in sets
            if late["id"] in [i["id"] for i in s["items"]]
        ]
        r = vote(client, ex, answers=answers_by_truth(sets, truth))
        assert r["__typename"] == "ExerciseSuccess", r

    assert len(set(late_positions)) >= 3  # not always listed first (each sees it in 3 places)

    # A participant invited while open gets a version of its own.
    extra = stakeholders(gql, client_factory, ex, {"latecomer": "Support"})["latecomer"]
    late_sets = my_sets(extra, ex)
    assert len(late_sets) >= 4
    assert vote(extra, ex, answers=answers_by_truth(late_sets, truth))["__typename"] == (
        "ExerciseSuccess"
    )
    withdraw = {"exerciseId": ex["id"], "backlogItemId": items[4]["id"], "reason": "done elsewhere"}
    assert gql.mutate("withdrawExerciseCandidate", withdraw, EXERCISE)["__typename"] == (
        "ExerciseSuccess"
    )
    close(gql, ex)

    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    ranked = [r["backlogItem"]["id"] for r in result["items"]]
    # The true order, E withdrawn. Every answer follows it, so the maximum likelihood does not
    # exist (separation) and Firth's estimate ranks; two items the answers never put in order
    # (both in the middle of every set they share) may swap, but never by more than one place.
    expected = [t for t in truth if t != items[4]["id"]]
    assert ranked[0] == expected[0] and ranked[-1] == expected[-1]
    assert all(abs(ranked.index(t) - n) <= 1 for n, t in enumerate(expected))
    assert result["respondents"] == 7
    shares = [r["maxdiff"]["share"] for r in result["items"]]
    assert sum(shares) == pytest.approx(100) and shares == sorted(shares, reverse=True)
    for r in result["items"]:
        md = r["maxdiff"]
        assert md["standardError"] > 0 and md["shown"] >= md["best"] + md["worst"]
        assert md["countingScore"] == pytest.approx((md["best"] - md["worst"]) / md["shown"])
    utilities = [r["maxdiff"]["utility"] for r in result["items"]]
    analytical = [r["maxdiff"]["analyticalUtility"] for r in result["items"]]
    assert sorted(analytical, reverse=True) == analytical  # the closed form agrees on the order
    assert utilities == sorted(utilities, reverse=True)
    # Everyone answered by the same true order: the top item is always best, so the maximum
    # likelihood does not exist; the results say so and use Firth's estimate.
    fit = result["maxdiffFit"]
    assert fit["estimator"] == "FIRTH" and fit["logLikelihood"] < 0
    top = result["items"][0]["maxdiff"]
    assert "infinite" in top["separation"] and top["analyticalCorrected"]
    # How sure: intervals around every estimate, order probabilities, a plain-words summary.
    assert fit["bootstrapReplicates"] == 200 and fit["confidence"].startswith("With 7 respondents")
    for r in result["items"]:
        md = r["maxdiff"]
        assert md["utilityInterval"]["low"] <= md["utility"] <= md["utilityInterval"]["high"]
        assert md["rankInterval"]["best"] <= r["rank"] <= md["rankInterval"]["worst"]
    assert result["items"][-1]["maxdiff"]["aheadOfNext"] is None
    assert all(0 <= r["maxdiff"]["aheadOfNext"] <= 1 for r in result["items"][:-1])
    reference = next(r for r in result["items"] if r["backlogItem"]["id"] == fit["referenceItemId"])
    assert reference["maxdiff"]["referenceUtility"] == 0
    assert reference["maxdiff"]["referenceStandardError"] == 0

    # Each respondent's own utilities (empirical Bayes): the owner's only.
    own = """query($id: ID!, $after: String) { exercise(id: $id) {
      results { preferenceSpread heterogeneity { detected pValue spreadEstimate }
        responseQuality { respondents noBetterThanChance straightliners } }
      respondentUtilities(first: 4, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { respondent segment utilities { backlogItemId utility }
          quality { answers rlh aggregateRlh chanceRlh noBetterThanChance straightliner } } }
      } } }"""
    page = gql.execute(own, {"id": ex["id"]})["exercise"]
    # Everyone answered by the same order: no heterogeneity to report (the bare estimate is
    # biased upward near 0 and is shown apart).
    assert page["results"]["preferenceSpread"] == 0
    assert not page["results"]["heterogeneity"]["detected"]
    # CSV exports (owner only): every answer in the import's format, and the utilities.
    exports = gql.execute(
        "query($id: ID!) { exercise(id: $id) { answersCsv utilitiesCsv } }", {"id": ex["id"]}
    )["exercise"]
    answer_lines = exports["answersCsv"].splitlines()
    assert answer_lines[0] == "respondent,set,items,best,worst,segment"
    # Every answer as given (also those naming the withdrawn E, which the results leave out).
    assert {line.split(",")[0] for line in answer_lines[1:]} == {*people, "latecomer"}
    assert all(len(line.split(",")) == 6 for line in answer_lines)
    utility_lines = exports["utilitiesCsv"].splitlines()
    assert len(utility_lines) == 1 + 7 and utility_lines[0].startswith("respondent,segment,")
    # TURF: with everyone sharing the same order, the top item alone reaches everyone.
    turf_query = """query($id: ID!, $size: Int!, $top: Int!) { exercise(id: $id) {
      turf(size: $size, top: $top) { backlogItemIds reach frequency exhaustive } } }"""
    best = gql.execute(turf_query, {"id": ex["id"], "size": 1, "top": 1})["exercise"]["turf"]
    assert best["backlogItemIds"] == [ranked[0]] and best["reach"] == 1 and best["exhaustive"]
    bad = gql.post(turf_query, {"id": ex["id"], "size": 0, "top": 1}).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # Everyone followed the true order: nobody answers like chance.
    assert page["results"]["responseQuality"]["respondents"] == 7
    assert page["results"]["responseQuality"]["noBetterThanChance"] == 0
    for edge in page["respondentUtilities"]["edges"]:
        q = edge["node"]["quality"]
        assert q["aggregateRlh"] > q["chanceRlh"] and not q["noBetterThanChance"]
    nodes = [e["node"] for e in page["respondentUtilities"]["edges"]]
    rest = gql.execute(
        own, {"id": ex["id"], "after": page["respondentUtilities"]["pageInfo"]["endCursor"]}
    )["exercise"]["respondentUtilities"]
    nodes += [e["node"] for e in rest["edges"]]
    assert [n["respondent"] for n in nodes] == sorted([*people, "latecomer"])
    for n in nodes:
        assert n["utilities"][0]["backlogItemId"] == truth[0]  # A comes first for everyone
        assert sum(u["utility"] for u in n["utilities"]) == pytest.approx(0, abs=1e-6)
    hidden = people["p0"].post(own, {"id": ex["id"]}).json()
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    history = gql.execute(
        "query($id: ID!) { exercise(id: $id) { history { action actor reason subject"
        " backlogItem { title } } } }",
        {"id": ex["id"]},
    )["exercise"]["history"]
    actions = [h["action"] for h in history]
    assert actions[0] == "CREATED" and actions[-1] == "CLOSED"
    rescope = [h for h in history if h["reason"]]
    assert [(h["action"], h["backlogItem"]["title"], h["reason"]) for h in rescope] == [
        ("CANDIDATE_ADDED", "F", "support escalations"),
        ("CANDIDATE_WITHDRAWN", "E", "done elsewhere"),
    ]
    assert actions.count("BALLOT_SUBMITTED") == 7
