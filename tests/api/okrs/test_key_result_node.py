"""A key result is a Relay node like every other: `node(id:)` refetches it by its global ID, and
another workspace's key result is null, as any foreign ID."""

from __future__ import annotations

from tests.support.builders import objective

NODE = "query($id: ID!) { node(id: $id) { id ... on KeyResult { metric baseline target } } }"


def test_node_refetches_a_key_result_by_its_global_id(gql):
    key_result = objective(gql, key_results=2)["keyResults"][1]
    node = gql.execute(NODE, {"id": key_result["id"]})["node"]
    assert node == {"id": key_result["id"], "metric": "metric 1", "baseline": 0.0, "target": 100.0}


def test_another_workspaces_key_result_is_null(gql, client_factory):
    key_result = objective(gql)["keyResults"][0]
    stranger = client_factory()  # a workspace of its own
    assert stranger.execute(NODE, {"id": key_result["id"]})["node"] is None
