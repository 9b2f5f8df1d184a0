"""Stakeholder exercises end to end through GraphQL over HTTP, across methods: bad input gets
typed errors and changes nothing, the plan counts shared items once, methods on one objective
are compared, concurrent ballots all land once. Each method's own lifecycle:
test_exercise_moscow.py, test_exercise_maxdiff.py, test_exercise_sessions.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from okrank.api.auth import Role
from tests.support.builders import item, objective, tag
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
