"""/readyz turns false while a view lags more events than OKRANK_READY_MAX_LAG_EVENTS (off by
default), naming the views and their lag."""

from __future__ import annotations

import httpx
import pytest

from okrank.api.auth import Role
from okrank.api.http.projection_lag import ViewLag, max_lag_events, too_far_behind
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess


def test_readyz_is_false_while_projections_lag_beyond_the_bound(make_database):
    # Projections off: every event written stays unprojected.
    server = ServerProcess(
        make_database(), projections=False, env={"OKRANK_READY_MAX_LAG_EVENTS": "2"}
    )
    client = GraphQLClient(server.url, "ws-lag", "po", [Role.ADMIN])
    try:
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        for n in range(3):
            client.post(
                "mutation($i: CreateObjectiveInput!) { createObjective(input: $i) { __typename } }",
                {"i": {"cycle": "2026-Q3", "title": f"objective {n}"}},
            )
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert body["reason"] == "projections lagging" and body["lagEvents"]
        assert all(lag >= 3 for lag in body["lagEvents"].values())
        metrics = httpx.get(f"{server.url}/metrics").text
        assert 'okrank_projection_lag_events{view="' in metrics
    finally:
        client.close()
        server.stop()


def test_the_bound_is_off_unless_set_and_must_be_a_number():
    assert (
        max_lag_events({}) is None and max_lag_events({"OKRANK_READY_MAX_LAG_EVENTS": "0"}) is None
    )
    assert max_lag_events({"OKRANK_READY_MAX_LAG_EVENTS": "500"}) == 500
    with pytest.raises(ValueError, match="OKRANK_READY_MAX_LAG_EVENTS"):
        max_lag_events({"OKRANK_READY_MAX_LAG_EVENTS": "lots"})
    lags = {"a": ViewLag(3, 1.0), "b": ViewLag(1, 0.5)}
    assert too_far_behind(lags, 2) == {"a": 3} and too_far_behind(lags, None) == {}
