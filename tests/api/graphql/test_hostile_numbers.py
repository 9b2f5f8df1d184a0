"""Numbers a client sends beyond their limits (scores, key result values, capacities, session
estimates and prices) are refused with a typed error naming the field, and the largest allowed
read back finite. Through GraphQL over HTTP against the real server."""

from __future__ import annotations

import pytest

from tests.support.builders import ITEM, item, objective, ranking, tag
from tests.support.exercises import EXERCISE


def test_overflowing_rice_is_refused_and_the_ranking_still_reads(gql):
    o = objective(gql)
    i = item(gql, rice=(10, 1, 1, 1))
    tag(gql, i["id"], o["id"])
    rice = {"reach": 1e308, "impact": 3, "confidence": 1, "effort": 1e-300}
    result = gql.mutate("scoreBacklogItem", {"backlogItemId": i["id"], "rice": rice}, ITEM)
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", "rice", "reach"])
    rice["reach"] = 1e9
    result = gql.mutate("scoreBacklogItem", {"backlogItemId": i["id"], "rice": rice}, ITEM)
    assert (result["__typename"], result["path"]) == (
        "ValidationError",
        ["input", "rice", "effort"],
    )
    assert "0.01" in result["message"]
    page = ranking(gql, o["id"])
    assert page["edges"][0]["node"]["baseScore"] == 10.0


def test_the_largest_scores_allowed_read_back_finite(gql):
    o = objective(gql)
    i = item(gql, rice=(1e9, 3, 1, 0.01))
    tag(gql, i["id"], o["id"])
    gql.mutate(
        "recalibrateAlignmentMultipliers",
        {"direct": 100, "indirect": 100, "untagged": 100, "reason": "max"},
        "",
    )
    node = ranking(gql, o["id"])["edges"][0]["node"]
    assert node["baseScore"] == pytest.approx(3e11) and node["priority"] == pytest.approx(3e13)


@pytest.mark.parametrize(
    ("field", "value"), [("baseline", 1e300), ("target", -1e13), ("baseline", 2e12)]
)
def test_key_result_values_beyond_the_limit_are_refused(gql, field, value):
    o = objective(gql, active=False, key_results=0)
    kr = {"objectiveId": o["id"], "metric": "m", "baseline": 0, "target": 1, field: value}
    result = gql.mutate("addKeyResult", kr, "")
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", field])


def test_plan_capacity_beyond_the_limit_is_bad_input(gql):
    o = objective(gql)
    query = (
        'query($o: ID!) { plan(cycle: "2026-Q3", capacity: 1e300,'
        " allocations: [{objectiveId: $o, share: 1}]) { used } }"
    )
    assert "capacity" in gql.bad_user_input(query, {"o": o["id"]})


def test_session_estimates_and_prices_beyond_their_limits_are_refused(gql):
    o = objective(gql)
    items = [item(gql, t) for t in ("Search", "Export")]
    for i in items:
        tag(gql, i["id"], o["id"])
    ex = gql.mutate(
        "createExercise", {"objectiveId": o["id"], "method": "RICE_SESSION", "title": "t"}, EXERCISE
    )["exercise"]["id"]
    for i in items:
        gql.mutate("addExerciseCandidate", {"exerciseId": ex, "backlogItemId": i["id"]}, "")
    gql.mutate("inviteParticipant", {"exerciseId": ex, "subject": gql.subject}, "")
    assert gql.mutate("openExercise", {"exerciseId": ex}, "")["__typename"] == "ExerciseSuccess"
    estimate = {"backlogItemId": items[0]["id"], "reach": 1e308, "impact": 3, "confidence": 1}
    result = gql.mutate(
        "submitBallot", {"exerciseId": ex, "estimates": [{**estimate, "effort": 1e-300}]}, ""
    )
    assert result["__typename"] == "ValidationError"
    assert result["path"] == ["input", "ballot", "estimates", "0", "reach"]

    buy = gql.mutate(
        "createExercise",
        {"objectiveId": o["id"], "method": "BUY_A_FEATURE", "title": "b"},
        EXERCISE,
    )["exercise"]["id"]
    priced = {"exerciseId": buy, "backlogItemId": items[0]["id"], "price": 1e300}
    result = gql.mutate("addExerciseCandidate", priced, "")
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", "price"])
