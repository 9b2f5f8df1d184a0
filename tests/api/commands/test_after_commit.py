"""A command that committed never answers like a failed one: snapshots of long-lived items do
not fail it, and read models that lag say the change was recorded, with its log position."""

from __future__ import annotations

from typing import Any

from okrank.api.auth import Role
from tests.support.builders import ITEM, item
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess


def test_every_score_of_an_item_past_its_100th_event_answers_success(gql):
    """The 100th event used to fail its snapshot: "Internal error." though it committed."""
    i = item(gql)
    for n in range(105):
        rice = {"reach": n + 1, "impact": 1, "confidence": 1, "effort": 1}
        result = gql.mutate("scoreBacklogItem", {"backlogItemId": i["id"], "rice": rice}, ITEM)
        assert result["__typename"] == "BacklogItemSuccess", (n, result)
    assert result["backlogItem"]["version"] == 106
    assert result["backlogItem"]["riceScore"] == 105.0


def test_a_committed_change_the_read_models_do_not_reach_says_so_with_its_position(
    make_database: Any,
):
    api = ServerProcess(make_database(), projections=False)  # nothing projects: reads lag
    client = GraphQLClient(api.url, "lagging", "po", [Role.ADMIN])
    try:
        body = client.post(
            'mutation { createBacklogItem(input: {title: "recorded"}) { __typename } }'
        ).json()
    finally:
        client.close()
        api.stop()
    assert body["data"] is None  # the payload is non-null: the error nulls the whole answer
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "READ_MODEL_LAGGING"
    assert error["extensions"]["committed"] is True
    assert isinstance(error["extensions"]["position"], int) and error["extensions"]["position"] > 0
    assert "recorded" in error["message"]
