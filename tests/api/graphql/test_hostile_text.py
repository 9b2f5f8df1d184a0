"""Text a client sends that PostgreSQL cannot store (NUL, lone surrogates) is refused with a
typed error naming the field; nothing is stored, and the read models stay live for everyone.
Through GraphQL over HTTP against the real server. Numbers: test_hostile_numbers.py; query
arguments: test_hostile_query_arguments.py."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.support.builders import ITEM, item, objective, tag

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
