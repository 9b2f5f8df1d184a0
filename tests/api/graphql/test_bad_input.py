"""Bad input gets a typed error (or a GraphQL validation error) and changes nothing."""

from __future__ import annotations

import pytest

from tests.support.builders import ITEM, OBJECTIVE, item, objective, ranking, tag


def history_count(gql) -> int:
    return len(
        gql.execute("{ tagHistory(first: 100) { edges { cursor } } }")["tagHistory"]["edges"]
    )


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("impact", 4, ["input", "rice", "impact"]),
        ("confidence", 0, ["input", "rice", "confidence"]),
        ("confidence", 1.5, ["input", "rice", "confidence"]),
        ("effort", 0, ["input", "rice", "effort"]),
        ("reach", -1, ["input", "rice", "reach"]),
    ],
)
def test_out_of_range_rice_is_a_validation_error_and_changes_nothing(gql, field, value, path):
    i = item(gql)
    rice = {"reach": 10, "impact": 1, "confidence": 0.5, "effort": 1, field: value}
    result = gql.mutate("scoreBacklogItem", {"backlogItemId": i["id"], "rice": rice}, ITEM)
    assert result["__typename"] == "ValidationError" and result["path"] == path
    read = gql.execute(
        "query($id: ID!) { backlogItem(id: $id) { version riceScore } }", {"id": i["id"]}
    )["backlogItem"]
    assert read == {"version": i["version"], "riceScore": None}


def test_wsjf_off_the_scale_is_rejected(gql):
    i = item(gql)
    wsjf = {"businessValue": 4, "timeCriticality": 1, "riskReduction": 1, "jobSize": 1}
    result = gql.mutate("scoreBacklogItem", {"backlogItemId": i["id"], "wsjf": wsjf}, "")
    assert result["__typename"] == "ValidationError"
    assert result["path"] == ["input", "wsjf", "businessValue"]


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_bad_titles_are_rejected(gql, title):
    result = gql.mutate("createBacklogItem", {"title": title}, "")
    assert result["__typename"] == "ValidationError" and result["path"] == ["input", "title"]
    assert gql.execute("{ backlogItems { edges { cursor } } }")["backlogItems"]["edges"] == []


def test_bad_cycle_is_rejected(gql):
    result = gql.mutate("createObjective", {"cycle": "Q3", "title": "x"}, "")
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", "cycle"])


def test_unknown_and_malformed_ids(gql):
    o = objective(gql)
    ghost_item = "QmFja2xvZ0l0ZW06MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAx"
    result = gql.mutate(
        "tagBacklogItem",
        {"backlogItemId": ghost_item, "objectiveId": o["id"], "tier": "DIRECT", "reason": "r"},
        "",
    )
    assert result["__typename"] == "NotFoundError" and result["id"] == ghost_item
    result = gql.mutate(
        "tagBacklogItem",
        {"backlogItemId": "not-an-id", "objectiveId": o["id"], "tier": "DIRECT", "reason": "r"},
        "",
    )
    assert result["__typename"] == "ValidationError"
    assert result["path"] == ["input", "backlogItemId"]
    # An objective ID where an item ID is expected is not accepted either.
    result = gql.mutate("updateBacklogItem", {"backlogItemId": o["id"], "title": "x"}, "")
    assert result["__typename"] == "ValidationError"


def test_tag_to_closed_or_unknown_objective_is_refused(gql):
    o = objective(gql)
    i = item(gql)
    gql.mutate("closeObjective", {"objectiveId": o["id"]}, "")
    result = tag(gql, i["id"], o["id"])
    assert result["__typename"] == "ValidationError"
    assert result["path"] == ["input", "objectiveId"] and "CLOSED" in result["message"]
    ghost = "T2JqZWN0aXZlOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMQ"
    assert tag(gql, i["id"], ghost)["__typename"] == "NotFoundError"
    assert history_count(gql) == 0


def test_key_result_of_another_objective_is_refused(gql):
    a, b = objective(gql, "a"), objective(gql, "b")
    i = item(gql)
    result = tag(gql, i["id"], a["id"], key_result_id=b["keyResults"][0]["id"])
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", "keyResultId"])


def test_duplicate_tag_is_a_conflict(gql):
    o = objective(gql)
    i = item(gql)
    tag(gql, i["id"], o["id"])
    result = tag(gql, i["id"], o["id"], "INDIRECT")
    assert result["__typename"] == "ConflictError" and result["currentVersion"] == 2
    assert history_count(gql) == 1


def test_empty_reason_is_rejected(gql):
    o = objective(gql)
    i = item(gql)
    result = tag(gql, i["id"], o["id"], reason=" ")
    assert (result["__typename"], result["path"]) == ("ValidationError", ["input", "reason"])


def test_stale_expected_version_is_a_conflict_with_current_version(gql):
    i = item(gql)
    gql.mutate("updateBacklogItem", {"backlogItemId": i["id"], "title": "v2"}, "")
    stale = gql.mutate(
        "updateBacklogItem",
        {"backlogItemId": i["id"], "title": "v3", "expectedVersion": i["version"]},
        ITEM,
    )
    assert stale["__typename"] == "ConflictError"
    assert stale["currentVersion"] == i["version"] + 1
    fresh = gql.mutate(
        "updateBacklogItem",
        {"backlogItemId": i["id"], "title": "v3", "expectedVersion": i["version"] + 1},
        ITEM,
    )
    assert fresh["backlogItem"]["title"] == "v3"


def test_activating_without_key_results_or_twice_is_refused(gql):
    o = gql.mutate("createObjective", {"cycle": "2026-Q3", "title": "t"}, OBJECTIVE)["objective"]
    assert gql.mutate("activateObjective", {"objectiveId": o["id"]}, "")["__typename"] == (
        "ValidationError"
    )
    o = objective(gql)
    assert gql.mutate("activateObjective", {"objectiveId": o["id"]}, "")["__typename"] == (
        "ConflictError"
    )


def test_bad_multipliers_are_rejected(gql):
    for values in (
        {"direct": 0, "indirect": 0, "untagged": 0},
        {"direct": 1, "indirect": 2, "untagged": 0.5},
    ):
        result = gql.mutate("recalibrateAlignmentMultipliers", {**values, "reason": "r"}, "")
        assert result["__typename"] == "ValidationError"
    assert gql.execute("{ alignmentMultipliers { direct version } }") == {
        "alignmentMultipliers": {"direct": 2.0, "version": 0}
    }


def test_page_size_and_cursor_errors_are_clear(gql):
    body = gql.post("{ ranking(first: 101) { totalCount } }").json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "between 1 and 100" in body["errors"][0]["message"]
    body = gql.post('{ ranking(after: "garbage") { totalCount } }').json()
    assert body["errors"][0]["message"] == "malformed cursor"


def test_justification_only_for_untagged_items(gql):
    o = objective(gql)
    i = item(gql)
    tag(gql, i["id"], o["id"])
    result = gql.mutate(
        "justifyNonStrategic", {"backlogItemId": i["id"], "justification": "needed"}, ""
    )
    assert result["__typename"] == "ValidationError"
    assert ranking(gql)["edges"][0]["node"]["eligible"] is True
