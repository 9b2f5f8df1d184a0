"""Text a client sends that PostgreSQL cannot store (NUL, lone surrogates) and numbers that
overflow are refused with a typed error naming the field; nothing is stored, and the read models
stay live for everyone. Through GraphQL over HTTP against the real server."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.support.builders import ITEM, item, objective, ranking, tag

NUL = "evil\x00text"
EXERCISE = "... on ExerciseSuccess { exercise { id version } }"


def world(gql: Any) -> dict[str, str]:
    """An active objective with a key result, an item tagged to it, a MoSCoW exercise (DRAFT)
    with the item as candidate, and a MaxDiff exercise (DRAFT) of three candidates."""
    o = objective(gql)
    items = [item(gql, t) for t in ("Search", "Export", "SSO")]
    for i in items:
        tag(gql, i["id"], o["id"])

    def exercise(method: str) -> str:
        ex = gql.mutate(
            "createExercise", {"objectiveId": o["id"], "method": method, "title": method}, EXERCISE
        )["exercise"]["id"]
        for i in items:
            gql.mutate("addExerciseCandidate", {"exerciseId": ex, "backlogItemId": i["id"]}, "")
        return ex

    return {
        "objective": o["id"],
        "item": items[0]["id"],
        "moscow": exercise("MOSCOW"),
        "maxdiff": exercise("MAXDIFF"),
    }


# (mutation, input given the world, path of the bad field)
CASES: list[tuple[str, Any, list[str]]] = [
    ("createBacklogItem", lambda w: {"title": NUL}, ["input", "title"]),
    ("createBacklogItem", lambda w: {"title": "t", "description": NUL}, ["input", "description"]),
    ("updateBacklogItem", lambda w: {"backlogItemId": w["item"], "title": NUL}, ["input", "title"]),
    ("createObjective", lambda w: {"cycle": "2026-Q3", "title": NUL}, ["input", "title"]),
    ("createObjective", lambda w: {"cycle": NUL, "title": "t"}, ["input", "cycle"]),
    (
        "createObjective",
        lambda w: {"cycle": "2026-Q3", "title": "t", "team": NUL},
        ["input", "team"],
    ),
    (
        "addKeyResult",
        lambda w: {"objectiveId": w["objective"], "metric": NUL, "baseline": 0, "target": 1},
        ["input", "metric"],
    ),
    (
        "addKeyResult",
        lambda w: {
            "objectiveId": w["objective"],
            "metric": "m",
            "unit": NUL,
            "baseline": 0,
            "target": 1,
        },
        ["input", "unit"],
    ),
    (
        "retagBacklogItem",
        lambda w: {
            "backlogItemId": w["item"],
            "objectiveId": w["objective"],
            "tier": "INDIRECT",
            "reason": NUL,
        },
        ["input", "reason"],
    ),
    (
        "untagBacklogItem",
        lambda w: {"backlogItemId": w["item"], "objectiveId": w["objective"], "reason": NUL},
        ["input", "reason"],
    ),
    (
        "justifyNonStrategic",
        lambda w: {"backlogItemId": w["item"], "justification": NUL},
        ["input", "justification"],
    ),
    (
        "triageBacklogItem",
        lambda w: {"backlogItemId": w["item"], "decision": "NO", "reason": NUL},
        ["input", "reason"],
    ),
    (
        "changeBacklogItemStatus",
        lambda w: {"backlogItemId": w["item"], "status": "NOT_NOW", "reason": NUL},
        ["input", "reason"],
    ),
    (
        "recalibrateAlignmentMultipliers",
        lambda w: {"direct": 3, "indirect": 1, "untagged": 0.5, "reason": NUL},
        ["input", "reason"],
    ),
    (
        "createExercise",
        lambda w: {"objectiveId": w["objective"], "method": "MOSCOW", "title": NUL},
        ["input", "title"],
    ),
    (
        "createExercise",
        lambda w: {
            "objectiveId": w["objective"],
            "method": "MOSCOW",
            "title": "t",
            "instructions": NUL,
        },
        ["input", "instructions"],
    ),
    (
        "inviteParticipant",
        lambda w: {"exerciseId": w["moscow"], "subject": NUL},
        ["input", "subject"],
    ),
    (
        "inviteParticipant",
        lambda w: {"exerciseId": w["moscow"], "subject": "sam", "segment": NUL},
        ["input", "segment"],
    ),
    (
        "withdrawExerciseCandidate",
        lambda w: {"exerciseId": w["moscow"], "backlogItemId": w["item"], "reason": NUL},
        ["input", "reason"],
    ),
    (
        "submitBallot",
        lambda w: {
            "exerciseId": w["moscow"],
            "votes": [
                {"backlogItemId": w["item"], "category": "MUST"},
                {"backlogItemId": NUL, "category": "MUST"},  # the category is an enum
            ],
        },
        ["input", "votes", "1", "backlogItemId"],
    ),
    (
        "importMaxDiffResponses",
        lambda w: {
            "exerciseId": w["maxdiff"],
            "csv": "respondent,set,items,best,worst\nal\x00ice,1,Search|Export|SSO,SSO,Export\n",
        },
        ["input", "csv"],
    ),
    (
        "importMaxDiffResponses",
        lambda w: {
            "exerciseId": w["maxdiff"],
            "csv": "respondent,set,items,best,worst\n",
            "source": NUL,
        },
        ["input", "source"],
    ),
    ("registerWebhook", lambda w: {"url": "http://127.0.0.1:9/\x00"}, ["input", "url"]),
    (
        "registerWebhook",
        lambda w: {"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef\x00"},
        ["input", "secret"],
    ),
]

STATE = """{
  objectives { edges { node { title version keyResults { metric } } } }
  backlogItems { edges { node { title description version status } } }
  exercises { edges { node { title version participants { subject } } } }
  tagHistory { edges { node { reason } } }
  alignmentMultipliers { version }
  webhooks { url }
}"""


@pytest.mark.parametrize(
    ("mutation", "make_input", "path"), CASES, ids=[f"{m}-{'.'.join(p)}" for m, _, p in CASES]
)
def test_nul_in_any_text_field_is_a_validation_error_and_changes_nothing(
    gql, client_factory, mutation, make_input, path
):
    w = world(gql)
    before = gql.execute(STATE)
    result = gql.mutate(mutation, make_input(w), "")
    assert result["__typename"] == "ValidationError", result
    assert result["path"] == path
    assert "U+0000" in result["message"] and "\x00" not in result["message"]
    assert gql.execute(STATE) == before
    # The read models are live: a later mutation in another workspace answers normally.
    other = client_factory()
    created = other.mutate("createBacklogItem", {"title": "after the refusal"}, ITEM)
    assert created["__typename"] == "BacklogItemSuccess"
    assert created["backlogItem"]["title"] == "after the refusal"


def raw_post(gql: Any, body: bytes) -> httpx.Response:
    """POST bytes as they are: a JSON body may carry a lone surrogate as \\ud800."""
    return gql.http.post("/graphql", content=body, headers={"content-type": "application/json"})


def test_a_lone_surrogate_in_json_variables_is_refused_and_changes_nothing(gql):
    """No JSON decoder can turn \\ud800 into storable text: the envelope is refused (400)
    before any operation runs."""
    query = (
        "mutation($input: CreateBacklogItemInput!) { createBacklogItem(input: $input) {"
        " __typename ... on ValidationError { path message } } }"
    )
    body = json.dumps({"query": query, "variables": {"input": {"title": "a"}}})
    body = body.replace('"title": "a"', '"title": "lone \\ud800 surrogate"')
    response = raw_post(gql, body.encode())
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST" and "surrogate" in error["message"]
    assert gql.execute("{ backlogItems { edges { cursor } } }")["backlogItems"]["edges"] == []


def test_a_lone_surrogate_written_as_a_graphql_escape_is_a_syntax_error(gql):
    body = gql.post('mutation { createBacklogItem(input: {title: "x\\ud800"}) { __typename } }')
    assert "Invalid Unicode escape sequence" in body.json()["errors"][0]["message"]
    assert gql.execute("{ backlogItems { edges { cursor } } }")["backlogItems"]["edges"] == []


def test_nul_written_as_a_graphql_escape_in_the_document_is_refused(gql):
    body = gql.post(
        'mutation { createBacklogItem(input: {title: "evil\\u0000title"}) {'
        " __typename ... on ValidationError { path } } }"
    ).json()
    assert body["data"]["createBacklogItem"] == {
        "__typename": "ValidationError",
        "path": ["input", "title"],
    }


def test_nul_in_a_csv_row_inside_quotes_is_refused(gql):
    w = world(gql)
    csv = (
        "respondent,set,items,best,worst,segment\n"
        'alice,1,Search|Export|SSO,SSO,Export,"Sa\x00les"\n'
    )
    result = gql.mutate("importMaxDiffResponses", {"exerciseId": w["maxdiff"], "csv": csv}, "")
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", "csv"])
    assert "line 2" in result["message"]


def bad_input(gql: Any, query: str, variables: dict | None = None) -> str:
    body = gql.post(query, variables).json()
    assert body.get("data") is None or all(v is None for v in body["data"].values()), body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error["message"]


def cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


@pytest.mark.parametrize(
    ("query", "variables", "says"),
    [
        ("query($c: String) { objectives(cycle: $c) { edges { cursor } } }", {"c": NUL}, "cycle"),
        ('{ objectives(cycle: "2026\\u0000") { edges { cursor } } }', None, "cycle"),
        ("query($a: String) { tagHistory(actor: $a) { edges { cursor } } }", {"a": NUL}, "actor"),
        (
            '{ tagHistory(since: "0001-01-01T00:00:00+14:00") { edges { cursor } } }',
            None,
            "since",
        ),
        (
            '{ tagHistory(until: "9999-12-31T23:59:59-14:00") { edges { cursor } } }',
            None,
            "until",
        ),
        (
            "query($c: String!) { plan(cycle: $c, capacity: 10, allocations: []) { used } }",
            {"c": NUL},
            "cycle",
        ),
        (
            "query($a: String) { objectives(after: $a) { edges { cursor } } }",
            {"a": cursor([2**70])},
            "cursor",
        ),
        (
            "query($a: String) { backlogItems(after: $a) { edges { cursor } } }",
            {"a": cursor([-(2**64)])},
            "cursor",
        ),
        (
            "query($a: String) { tagHistory(after: $a) { edges { cursor } } }",
            {"a": cursor([2**63])},
            "cursor",
        ),
        (
            "query($a: String) { ranking(after: $a) { totalCount } }",
            {"a": cursor([2**70, "0x0p+0", "0x0p+0", 1, "00000000-0000-0000-0000-000000000001"])},
            "cursor",
        ),
        (
            "query($a: String) { ranking(after: $a) { totalCount } }",
            {"a": cursor([40000, "0x0p+0", "0x0p+0", 1, "00000000-0000-0000-0000-000000000001"])},
            "cursor",
        ),
    ],
)
def test_bad_query_arguments_are_bad_user_input_not_internal_errors(gql, query, variables, says):
    assert says in bad_input(gql, query, variables)


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
    assert "capacity" in bad_input(gql, query, {"o": o["id"]})


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


def test_tag_history_time_filters_still_filter(gql):
    o = objective(gql)
    tag(gql, item(gql)["id"], o["id"])
    query = "query($s: DateTime) { tagHistory(since: $s) { edges { node { reason } } } }"
    for since, expected in [
        ("2000-01-01T00:00:00", 1),
        ("2000-01-01T00:00:00+14:00", 1),
        ("9999-01-01T00:00:00", 0),
        ("9999-01-01T00:00:00-14:00", 0),
    ]:
        assert len(gql.execute(query, {"s": since})["tagHistory"]["edges"]) == expected, since
