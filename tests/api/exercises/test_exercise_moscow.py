"""A MoSCoW exercise end to end through GraphQL over HTTP: its lifecycle, ballots kept private,
results per segment, the EXERCISE ranking and the ranking changes of its close."""

from __future__ import annotations

import asyncio

import pytest

from okrank.api.auth import Role
from tests.support.exercises import PARTICIPATION, RESULTS, close, open_, setup, stakeholders, vote
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
