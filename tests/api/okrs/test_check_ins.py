"""Key-result check-ins through the real GraphQL endpoint: a check-in moves the key result's
value, progress and grade and the objective's grade; bad input is a typed error naming the
field with nothing changed; only the team checks in; the history pages newest first."""

from __future__ import annotations

import uuid

import pytest

from okrank.api.auth.principal import Role
from okrank.api.graphql.ids import to_global_id
from tests.support.builders import OBJECTIVE

KEY_RESULT = (
    "id currentValue progress grade confidence lastCheckInAt"
    " checkIns(first: 10) { edges { node { value confidence note checkedInBy } } }"
)
CHECKED_IN = (
    "... on CheckInSuccess { checkIn { value confidence note checkedInAt checkedInBy }"
    f" keyResult {{ {KEY_RESULT} }} objective {{ version grade }} }}"
)
OBJECTIVE_STATE = (
    f"query($id: ID!) {{ objective(id: $id) {{ version grade keyResults {{ {KEY_RESULT} }} }} }}"
)


def objective_with(gql, key_results, active=True):
    """An objective with key results given as (baseline, target)."""
    o = gql.mutate("createObjective", {"cycle": "2026-Q3", "title": "Grow"}, OBJECTIVE)
    o = o["objective"]
    for n, (baseline, target) in enumerate(key_results):
        o = gql.mutate(
            "addKeyResult",
            {"objectiveId": o["id"], "metric": f"m{n}", "baseline": baseline, "target": target},
            OBJECTIVE,
        )["objective"]
    if active:
        o = gql.mutate("activateObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]
    return o


def check_in(gql, key_result_id, value, confidence=0.5, **more):
    data = {"keyResultId": key_result_id, "value": value, "confidence": confidence, **more}
    return gql.mutate("checkInKeyResult", data, CHECKED_IN)


def test_a_check_in_moves_value_progress_and_grade_of_key_result_and_objective(gql):
    o = objective_with(gql, [(10, 20), (8, 4)])  # the second aims down (churn 8% → 4%)
    up, down = (k["id"] for k in o["keyResults"])
    before = gql.execute(OBJECTIVE_STATE, {"id": o["id"]})["objective"]
    assert before["grade"] == 0.0
    assert before["keyResults"][0] | {"id": None} == {
        "id": None,
        "currentValue": None,
        "progress": None,
        "grade": 0.0,
        "confidence": None,
        "lastCheckInAt": None,
        "checkIns": {"edges": []},
    }
    done = check_in(gql, up, 17, 0.8, note="sprint 1 review")
    assert done["__typename"] == "CheckInSuccess"
    assert done["checkIn"] | {"checkedInAt": None} == {
        "value": 17.0,
        "confidence": 0.8,
        "note": "sprint 1 review",
        "checkedInAt": None,
        "checkedInBy": "po",
    }
    assert done["keyResult"]["currentValue"] == 17.0
    assert done["keyResult"]["progress"] == pytest.approx(0.7)
    assert done["keyResult"]["lastCheckInAt"] == done["checkIn"]["checkedInAt"]
    assert done["objective"]["grade"] == pytest.approx(0.35)  # (0.7 + 0) / 2
    overshot = check_in(gql, down, 2, 0.9)  # past the target: progress 1.5, grade 1
    assert overshot["keyResult"]["progress"] == pytest.approx(1.5)
    assert overshot["keyResult"]["grade"] == 1.0
    assert overshot["objective"]["grade"] == pytest.approx(0.85)
    after = gql.execute(OBJECTIVE_STATE, {"id": o["id"]})["objective"]
    assert after["version"] == o["version"] + 2
    assert after["keyResults"][1]["confidence"] == 0.9


def test_check_ins_page_newest_first(gql):
    o = objective_with(gql, [(0, 100)])
    objective_id, kr = o["id"], o["keyResults"][0]["id"]
    for value in (10, 20, 30):
        check_in(gql, kr, value)
    query = (
        "query($id: ID!, $after: String) { objective(id: $id) { keyResults {"
        " checkIns(first: 2, after: $after) { edges { node { value } }"
        " pageInfo { hasNextPage endCursor } } } } }"
    )
    first = gql.execute(query, {"id": objective_id})["objective"]["keyResults"][0]["checkIns"]
    assert [e["node"]["value"] for e in first["edges"]] == [30.0, 20.0]
    assert first["pageInfo"]["hasNextPage"]
    rest = gql.execute(query, {"id": objective_id, "after": first["pageInfo"]["endCursor"]})
    page = rest["objective"]["keyResults"][0]["checkIns"]
    assert [e["node"]["value"] for e in page["edges"]] == [10.0]
    assert not page["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"confidence": 1.5}, ["input", "confidence"]),
        ({"confidence": -0.5}, ["input", "confidence"]),
        ({"value": 1e300}, ["input", "value"]),
        ({"value": -2e12}, ["input", "value"]),
        ({"note": "bad\x00note"}, ["input", "note"]),
        ({"keyResultId": "not-an-id"}, ["input", "keyResultId"]),
    ],
)
def test_bad_check_in_input_is_a_typed_error_naming_the_field_and_changes_nothing(
    gql, change, path
):
    o = objective_with(gql, [(0, 10)])
    kr = o["keyResults"][0]["id"]
    refused = gql.mutate(
        "checkInKeyResult",
        {"keyResultId": kr, "value": 5, "confidence": 0.5, **change},
        CHECKED_IN,
    )
    assert refused["__typename"] == "ValidationError", refused
    assert refused["path"][-1] == path[-1]
    state = gql.execute(OBJECTIVE_STATE, {"id": o["id"]})["objective"]
    assert state["version"] == o["version"]
    assert state["keyResults"][0]["checkIns"] == {"edges": []}


@pytest.mark.parametrize("status", ["DRAFT", "CLOSED"])
def test_only_an_active_objective_takes_a_check_in(gql, status):
    o = objective_with(gql, [(0, 10)], active=False)
    if status == "CLOSED":
        o = gql.mutate("closeObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]
    refused = check_in(gql, o["keyResults"][0]["id"], 5)
    assert refused["__typename"] == "ValidationError"
    assert refused["path"] == ["input", "keyResultId"]
    assert f"objective is {status}; check-ins need an ACTIVE objective" in refused["message"]
    state = gql.execute(OBJECTIVE_STATE, {"id": o["id"]})["objective"]
    assert state["version"] == o["version"] and state["keyResults"][0]["currentValue"] is None


def test_an_unknown_or_another_workspaces_key_result_is_not_found(gql, client_factory):
    kr = objective_with(gql, [(0, 10)])["keyResults"][0]["id"]
    unknown = to_global_id("KeyResult", uuid.uuid4())
    assert check_in(gql, unknown, 5)["__typename"] == "NotFoundError"
    stranger = client_factory()
    refused = check_in(stranger, kr, 5)
    assert (refused["__typename"], refused["id"]) == ("NotFoundError", kr)


def test_a_stale_expected_version_is_a_conflict(gql):
    o = objective_with(gql, [(0, 10)])
    refused = check_in(gql, o["keyResults"][0]["id"], 5, expectedVersion=o["version"] - 1)
    assert (refused["__typename"], refused["currentVersion"]) == ("ConflictError", o["version"])


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PRODUCT_OWNER])
def test_the_team_checks_in(gql, client_factory, role):
    kr = objective_with(gql, [(0, 10)])["keyResults"][0]["id"]
    member = client_factory(gql.workspace, "dev", (role,))
    assert check_in(member, kr, 5)["checkIn"]["checkedInBy"] == "dev"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.STAKEHOLDER])
def test_auditors_and_stakeholders_may_not_check_in(gql, client_factory, role):
    o = objective_with(gql, [(0, 10)])
    reader = client_factory(gql.workspace, "reader", (role,))
    refused = check_in(reader, o["keyResults"][0]["id"], 5)
    assert refused["__typename"] == "PermissionDeniedError"
    assert gql.execute(OBJECTIVE_STATE, {"id": o["id"]})["objective"]["version"] == o["version"]
