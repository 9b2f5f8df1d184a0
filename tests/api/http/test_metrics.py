"""GET /metrics: Prometheus text with GraphQL operations by operation and outcome, latency,
projection lag per view, subscribers and webhook figures; labels bounded by the schema."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from okrank.projections.engine.runner import VIEWS
from tests.support.builders import objective, ranking


def scrape(server) -> dict[str, list]:
    response = httpx.get(f"{server.url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {f.name: f.samples for f in text_string_to_metric_families(response.text)}


def value(samples: list, name: str, **labels: str) -> float:
    matching = [s.value for s in samples if s.name == name and s.labels == labels]
    assert matching, (name, labels, samples)
    return matching[0]


def test_operations_are_counted_by_operation_and_outcome(server, gql):
    objective(gql)
    before = scrape(server)
    ranking(gql)
    gql.post("query Evil123 { ranking(method: RICE, first: 1) { totalCount nope } }")
    gql.post('{ node(id: "not-an-id") { id } }')
    after = scrape(server)
    ops = after["okrank_graphql_operations"]

    def count(metrics: dict, operation: str, outcome: str) -> float:
        samples = metrics.get("okrank_graphql_operations", [])
        labels = {"operation": operation, "outcome": outcome}
        return sum(s.value for s in samples if s.name.endswith("_total") and s.labels == labels)

    assert count(after, "query.ranking", "ok") == count(before, "query.ranking", "ok") + 1
    assert count(after, "invalid", "invalid") >= count(before, "invalid", "invalid") + 1
    assert count(after, "query.node", "error") >= 1
    assert count(after, "mutation.createObjective", "ok") >= 1
    assert not any("Evil123" in str(s.labels) for s in ops)  # the client's name is no label
    latency = after["okrank_graphql_operation_duration_seconds"]
    assert (
        value(latency, "okrank_graphql_operation_duration_seconds_count", operation="query.ranking")
        >= 1
    )


def test_projection_lag_subscribers_and_webhooks_are_reported(server, gql):
    objective(gql)
    metrics = scrape(server)
    views = {s.labels["view"] for s in metrics["okrank_projection_lag_events"]}
    assert views == {v.view_name for _, v in VIEWS}
    assert all(s.value >= 0 for s in metrics["okrank_projection_lag_seconds"])
    assert value(metrics["okrank_subscribers_connected"], "okrank_subscribers_connected") >= 0
    for name in (
        "okrank_webhook_backlog_changes",
        "okrank_webhook_failed_attempts",
        "okrank_webhook_endpoints_retrying",
    ):
        assert value(metrics[name], name) >= 0
