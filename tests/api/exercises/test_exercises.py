"""Stakeholder exercises end to end through GraphQL over HTTP: each method's lifecycle, privacy,
re-scoping, results per segment, the EXERCISE ranking and its ranking changes, bad input."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from okrank.api.auth import Role
from tests.support.builders import item, objective, tag
from tests.support.exercises import (
    EXERCISE,
    PARTICIPATION,
    RESULTS,
    close,
    open_,
    setup,
    stakeholders,
    vote,
)
from tests.support.subscriptions import collect_exercise_changes, until_live


def test_moscow_lifecycle_privacy_segments_and_exercise_ranking(gql, client_factory):
    o, items, ex = setup(gql, "MOSCOW", ["SSO", "Audit log", "Dark mode"])
    sso, audit, dark = (i["id"] for i in items)
    people = stakeholders(
        gql, client_factory, ex, {"sam": "Sales", "sue": "Sales", "tom": "Support"}
    )
    assert vote(people["sam"], ex, votes=[])["__typename"] == "ConflictError"  # not open yet
    open_(gql, ex)

    ballots = {
        "sam": {sso: "MUST", audit: "SHOULD", dark: "WONT"},
        "sue": {sso: "MUST", audit: "COULD", dark: "COULD"},
        "tom": {sso: "COULD", audit: "MUST", dark: "WONT"},
    }
    for subject, b in ballots.items():
        first = vote(people[subject], ex, votes=[{"backlogItemId": sso, "category": "WONT"}])
        assert first["__typename"] == "ExerciseSuccess", first
        votes = [{"backlogItemId": i, "category": c} for i, c in b.items()]
        assert vote(people[subject], ex, votes=votes)["__typename"] == "ExerciseSuccess"

    # A participant sees its own (revised) ballot, never another's, and no progress or results.
    mine = people["tom"].execute(PARTICIPATION, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert mine["segment"] == "Support" and mine["ballot"]["revisions"] == 2
    assert {v["backlogItemId"]: v["category"] for v in mine["ballot"]["votes"]} == ballots["tom"]
    response = (
        people["tom"]
        .post(
            "query($id: ID!) { exercise(id: $id) { participants { subject } } }", {"id": ex["id"]}
        )
        .json()
    )
    assert response["data"]["exercise"] == {"participants": None}
    assert response["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stranger = client_factory(gql.workspace, "eve", (Role.STAKEHOLDER,))
    assert stranger.execute(PARTICIPATION, {"id": ex["id"]})["exercise"] is None
    refused = vote(stranger, ex, votes=[{"backlogItemId": sso, "category": "MUST"}])
    assert refused["__typename"] == "NotFoundError" or "not invited" in refused["message"]

    # The owner sees who has submitted while open, and no results yet.
    progress = gql.execute(
        "query($id: ID!) { exercise(id: $id) { participants { subject segment submitted"
        " revisions } results { respondents } } }",
        {"id": ex["id"]},
    )["exercise"]
    assert {p["subject"]: p["revisions"] for p in progress["participants"]} == {
        "sam": 2,
        "sue": 2,
        "tom": 2,
    }
    assert progress["results"] is None

    async def changes_on_close() -> list[dict]:
        started = asyncio.Event()
        task = asyncio.create_task(collect_exercise_changes(gql, o["id"], started))
        await until_live(started, task)
        await asyncio.to_thread(close, gql, ex)
        return await task

    changes = asyncio.run(changes_on_close())
    assert {c["cause"] for c in changes} == {"EXERCISE_CLOSED"}
    assert {c["method"] for c in changes} == {"EXERCISE"}
    assert {c["exerciseId"] for c in changes} == {ex["id"]}

    results = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]
    overall = results["results"]
    assert overall["respondents"] == 3
    by_title = {r["backlogItem"]["title"]: r for r in overall["items"]}
    assert by_title["SSO"]["moscow"] == {
        "must": 2,
        "should": 0,
        "could": 1,
        "wont": 0,
        "consensus": "MUST",
    }
    assert by_title["SSO"]["score"] == pytest.approx((3 + 3 + 1) / 3)
    assert [r["backlogItem"]["title"] for r in overall["items"]] == [
        "SSO",
        "Audit log",
        "Dark mode",
    ]
    segments = {s["segment"]: s for s in results["segmentResults"]}
    assert set(segments) == {"Sales", "Support"}
    assert segments["Support"]["items"][0]["backlogItem"]["title"] == "Audit log"
    assert results["segmentAgreement"]["pairs"][0]["a"] == "Sales"
    assert results["segmentAgreement"]["pairs"][0]["spearman"] < 1

    # The objective's EXERCISE ranking: the exercise score × the DIRECT multiplier.
    ranked = gql.execute(
        "query($o: ID!, $e: ID!) { ranking(objectiveId: $o, method: EXERCISE, exerciseId: $e)"
        " { totalCount edges { node { rank baseScore multiplier priority backlogItem { title } }"
        " } } }",
        {"o": o["id"], "e": ex["id"]},
    )["ranking"]
    assert [e["node"]["backlogItem"]["title"] for e in ranked["edges"]] == [
        "SSO",
        "Audit log",
        "Dark mode",
    ]
    top = ranked["edges"][0]["node"]
    assert top["priority"] == pytest.approx(top["baseScore"] * 2.0)

    # Ballots after close are refused, and change nothing.
    late = vote(people["sam"], ex, votes=[{"backlogItemId": dark, "category": "MUST"}])
    assert late["__typename"] == "ConflictError"
    assert gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"] == overall


def answers_by_truth(sets: list[dict], truth: list[str]) -> list[dict]:
    """A participant who always picks by the true order: best = most preferred shown."""
    out = []
    for s in sets:
        shown = sorted((i["id"] for i in s["items"]), key=truth.index)
        out.append({"setIndex": s["index"], "bestId": shown[0], "worstId": shown[-1]})
    return out


def my_sets(client: Any, ex: dict) -> list[dict]:
    data = client.execute(PARTICIPATION, {"id": ex["id"]})["exercise"]
    return data["myParticipation"]["sets"]


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


def test_rice_session_medians_spread_and_rank(gql, client_factory):
    _, items, ex = setup(gql, "RICE_SESSION", ["Import", "Export"])
    imp, exp = (i["id"] for i in items)
    people = stakeholders(gql, client_factory, ex, {"a": "Sales", "b": "Sales", "c": "Support"})
    open_(gql, ex)
    estimates = {
        "a": {imp: (100, 2, 0.8, 2), exp: (50, 1, 0.5, 1)},
        "b": {imp: (300, 1, 1.0, 4), exp: (60, 1, 0.5, 1)},
        "c": {imp: (200, 3, 0.5, 3)},  # skips Export: a ballot may be partial
    }
    for subject, per_item in estimates.items():
        payload = [
            dict(
                zip(
                    ("backlogItemId", "reach", "impact", "confidence", "effort"),
                    (i, *v),
                    strict=True,
                )
            )
            for i, v in per_item.items()
        ]
        r = vote(people[subject], ex, estimates=payload)
        assert r["__typename"] == "ExerciseSuccess", r
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    first, second = result["items"]
    assert first["backlogItem"]["id"] == imp
    assert first["riceSession"] == {
        "participants": 3,
        "reach": 200,
        "impact": 2,
        "confidence": 0.8,
        "effort": 3,
        "spreadIqr": pytest.approx(first["riceSession"]["spreadIqr"]),
        "spreadCv": pytest.approx(first["riceSession"]["spreadCv"]),
    }
    assert first["score"] == pytest.approx(200 * 2 * 0.8 / 3)
    assert first["riceSession"]["spreadIqr"] > 0
    assert second["riceSession"]["participants"] == 2 and second["score"] == pytest.approx(27.5)


def test_buy_a_feature_budgets_pooling_and_unspent_money(gql, client_factory):
    _, items, ex = setup(gql, "BUY_A_FEATURE", ["Big", "Mid", "Small"], prices=[100, 60, 40])
    big, mid, small = (i["id"] for i in items)
    people = stakeholders(gql, client_factory, ex, {"a": None, "b": None})
    open_(gql, ex)
    budget = people["a"].execute(PARTICIPATION, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert budget["budget"] == 40  # 40% of the 200 on offer, split between two participants

    over = vote(people["a"], ex, allocations=[{"backlogItemId": mid, "amount": 41}])
    assert over["__typename"] == "ValidationError" and "over budget" in over["message"]
    assert over["path"] == ["input", "ballot", "allocations", "0", "amount"]
    spend = [{"backlogItemId": small, "amount": 25}, {"backlogItemId": big, "amount": 15}]
    assert vote(people["a"], ex, allocations=spend)["__typename"] == "ExerciseSuccess"
    spend_b = [{"backlogItemId": small, "amount": 20}, {"backlogItemId": mid, "amount": 15}]
    assert vote(people["b"], ex, allocations=spend_b)["__typename"] == "ExerciseSuccess"
    # While open, participants see the pooled totals (not who gave what), so they can move money.
    pooled_query = (
        "query($id: ID!) { exercise(id: $id) { myParticipation {"
        " pooled { backlogItemId amount } } } }"
    )
    seen = people["a"].execute(pooled_query, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert {p["backlogItemId"]: p["amount"] for p in seen["pooled"]} == {
        small: 45,
        big: 15,
        mid: 15,
    }
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    by_id = {r["backlogItem"]["id"]: r for r in result["items"]}
    assert by_id[small]["buyAFeature"] == {
        "price": 40,
        "pooled": 45,
        "fundedShare": 1,
        "bought": True,
        "backers": 2,
        "excess": 5,  # pooled beyond the price: reported, returned to its backers
    }
    assert by_id[small]["rank"] == 1 and not by_id[mid]["buyAFeature"]["bought"]
    assert by_id[mid]["buyAFeature"]["excess"] == 0
    assert result["budgetTotal"] == 80 and result["spent"] == 75
    assert result["unspentOnItemsNotBought"] == 30  # 15 on Mid + 15 on Big
    assert result["excessReturned"] == 5


def test_bad_input_gets_typed_errors_and_changes_nothing(gql, client_factory):
    o, items, ex = setup(gql, "MAXDIFF", ["A", "B", "C", "D", "E"])
    stray = item(gql, "not tagged")
    r = gql.mutate(
        "addExerciseCandidate", {"exerciseId": ex["id"], "backlogItemId": stray["id"]}, EXERCISE
    )
    assert r["__typename"] == "ValidationError" and "tagged" in r["message"]
    other = client_factory()  # another workspace's item is not found
    foreign = item(other, "theirs")
    r = gql.mutate(
        "addExerciseCandidate", {"exerciseId": ex["id"], "backlogItemId": foreign["id"]}, EXERCISE
    )
    assert r["__typename"] == "NotFoundError"
    r = other.mutate(
        "inviteParticipant", {"exerciseId": ex["id"], "subject": "x"}, EXERCISE
    )  # and so is this workspace's exercise for the other workspace
    assert r["__typename"] == "NotFoundError"
    stale = gql.mutate(
        "inviteParticipant",
        {"exerciseId": ex["id"], "subject": "x", "expectedVersion": ex["version"] - 1},
        EXERCISE,
    )
    assert stale["__typename"] == "ConflictError" and stale["currentVersion"] == ex["version"]
    wrong = gql.mutate(
        "createExercise",
        {"objectiveId": o["id"], "method": "MAXDIFF", "title": "t", "setSize": 7},
        EXERCISE,
    )
    assert wrong["__typename"] == "ValidationError" and wrong["path"] == ["input", "setSize"]
    stake = client_factory(gql.workspace, "sam", (Role.STAKEHOLDER,))
    r = stake.mutate("openExercise", {"exerciseId": ex["id"]}, EXERCISE)
    assert r["__typename"] == "PermissionDeniedError"

    people = stakeholders(gql, client_factory, ex, {"sam": None})
    open_(gql, ex)
    [first, *_] = my_sets(people["sam"], ex)
    shown = [i["id"] for i in first["items"]]
    outside = next(i["id"] for i in items if i["id"] not in shown)
    cases = [
        ({"answers": [{"setIndex": 0, "bestId": shown[0], "worstId": shown[0]}]}, "worst"),
        ({"answers": [{"setIndex": 0, "bestId": outside, "worstId": shown[0]}]}, "best"),
        ({"answers": [{"setIndex": 99, "bestId": shown[0], "worstId": shown[1]}]}, "setIndex"),
        ({"answers": [{"setIndex": 0, "bestId": "nonsense", "worstId": shown[1]}]}, "bestId"),
        ({"votes": [{"backlogItemId": shown[0], "category": "MUST"}]}, "votes"),
    ]
    for ballot, field in cases:
        r = vote(people["sam"], ex, **ballot)
        assert r["__typename"] == "ValidationError", (ballot, r)
        assert r["path"][-1] == field, (ballot, r)
    state = gql.execute(
        "query($id: ID!) { exercise(id: $id) { version participants { submitted } } }",
        {"id": ex["id"]},
    )["exercise"]
    assert state["participants"] == [{"submitted": False}]
    close(gql, ex)
    again = gql.mutate("closeExercise", {"exerciseId": ex["id"]}, EXERCISE)
    assert again["__typename"] == "ConflictError"
    assert (
        gql.execute("query($id: ID!) { exercise(id: $id) { version } }", {"id": ex["id"]})[
            "exercise"
        ]["version"]
        == state["version"] + 1
    )

    moscow = setup(gql, "MOSCOW", ["X", "Y"])[2]
    people = stakeholders(gql, client_factory, moscow, {"sam": None})
    open_(gql, moscow)
    x = moscow["candidates"][0]["backlogItem"]["id"]
    # The category is an enum: an unknown one is refused by GraphQL before any command runs.
    ballot = {"exerciseId": moscow["id"], "votes": [{"backlogItemId": x, "category": "NICE"}]}
    mutation = "mutation($i: SubmitBallotInput!) { submitBallot(input: $i) { __typename } }"
    refused = people["sam"].post(mutation, {"i": ballot}).json()
    assert refused["data"] is None
    assert "'NICE' does not exist in 'MoscowCategory' enum" in refused["errors"][0]["message"]


def test_plan_splits_capacity_counts_shared_items_once(gql):
    growth = objective(gql, "Grow")
    retain = objective(gql, "Retain")
    shared = item(gql, "Shared", rice=(100, 3, 1, 3))  # tops both rankings
    g1 = item(gql, "Growth 1", rice=(50, 1, 1, 2))
    g2 = item(gql, "Growth 2", rice=(10, 1, 1, 4))
    r1 = item(gql, "Retain 1", rice=(30, 1, 1, 2))
    for i in (shared, g1, g2):
        tag(gql, i["id"], growth["id"])
    for i in (shared, r1):
        tag(gql, i["id"], retain["id"])
    query = """
    query($alloc: [PlanAllocationInput!]!) {
      plan(cycle: "2026-Q3", capacity: 10, allocations: $alloc) {
        used left
        objectives { share capacity used left objective { title }
                     accepted { effort rank backlogItem { title } } }
        didNotFit { effort objective { title } backlogItem { title } }
        notEstimated { title } } }
    """
    alloc = [
        {"objectiveId": growth["id"], "share": 0.6},
        {"objectiveId": retain["id"], "share": 0.4},
    ]
    plan = gql.execute(query, {"alloc": alloc})["plan"]
    grow, keep = plan["objectives"]
    assert grow["objective"]["title"] == "Grow" and grow["capacity"] == 6
    assert [a["backlogItem"]["title"] for a in grow["accepted"]] == ["Shared", "Growth 1"]
    assert [a["backlogItem"]["title"] for a in keep["accepted"]] == ["Retain 1"]  # Shared once
    assert plan["didNotFit"] == [
        {"effort": 4, "objective": {"title": "Grow"}, "backlogItem": {"title": "Growth 2"}}
    ]
    assert plan["used"] == 7 and plan["left"] == 3
    too_much = gql.post(query, {"alloc": [{**alloc[0], "share": 0.7}, alloc[1]]}).json()
    assert "at most 1" in too_much["errors"][0]["message"]


def test_methods_on_one_objective_are_compared_and_stakeholders_see_no_results(gql, client_factory):
    o, items, moscow = setup(gql, "MOSCOW", ["P", "Q", "R"])
    ids = [i["id"] for i in items]
    design = gql.mutate(
        "createExercise", {"objectiveId": o["id"], "method": "MAXDIFF", "title": "md"}, EXERCISE
    )["exercise"]
    for i in ids:
        gql.mutate(
            "addExerciseCandidate", {"exerciseId": design["id"], "backlogItemId": i}, EXERCISE
        )
    voter = stakeholders(gql, client_factory, moscow, {"sam": "Sales"})["sam"]
    stakeholders(gql, client_factory, design, {"sam": "Sales"})
    open_(gql, moscow)
    explicit = open_(gql, design, design=[ids, list(reversed(ids))])  # the owner's own sets
    assert explicit["status"] == "OPEN"
    sets = my_sets(voter, design)
    assert [[i["id"] for i in s["items"]] for s in sets] == [ids, list(reversed(ids))]
    votes = [
        {"backlogItemId": i, "category": c}
        for i, c in zip(ids, ("MUST", "COULD", "WONT"), strict=True)
    ]
    assert vote(voter, moscow, votes=votes)["__typename"] == "ExerciseSuccess"
    answers = [{"setIndex": n, "bestId": ids[0], "worstId": ids[2]} for n in range(2)]
    assert vote(voter, design, answers=answers)["__typename"] == "ExerciseSuccess"
    close(gql, moscow)
    close(gql, design)
    compared = gql.execute(RESULTS, {"id": moscow["id"]})["exercise"]["methodAgreement"]
    assert compared == [
        {"method": "MAXDIFF", "commonItems": 3, "spearman": 1.0, "exercise": {"id": design["id"]}}
    ]
    hidden = voter.post(RESULTS, {"id": moscow["id"]}).json()
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = voter.execute("{ exercises { edges { node { id } } } }")["exercises"]["edges"]
    assert {e["node"]["id"] for e in listed} == {moscow["id"], design["id"]}
    outsider = client_factory(gql.workspace, "eve", (Role.STAKEHOLDER,))
    assert outsider.execute("{ exercises { edges { node { id } } } }")["exercises"]["edges"] == []


def test_concurrent_ballots_all_land_once(gql, client_factory):
    _, items, ex = setup(gql, "MOSCOW", ["One", "Two"])
    people = stakeholders(gql, client_factory, ex, {f"s{n}": None for n in range(10)})
    open_(gql, ex)
    votes = [{"backlogItemId": items[0]["id"], "category": "MUST"}]
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda c: vote(c, ex, votes=votes), people.values()))
    assert [r["__typename"] for r in results] == ["ExerciseSuccess"] * 10
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    assert result["respondents"] == 10 and result["items"][0]["moscow"]["must"] == 10
