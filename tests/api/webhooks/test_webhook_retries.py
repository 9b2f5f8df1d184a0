"""Webhook mutations go through the mutation path: a retry with the same Idempotency-Key after
an attempt that committed but answered an error registers nothing twice."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from okrank.api.auth import Role
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess

# Two mutations in one document: the registration commits, then the item's answer lags (no
# projections run), so the whole answer is an error and the key stays open for a retry.
REGISTER_THEN_CREATE = (
    "mutation($url: String!) {"
    " registerWebhook(input: {url: $url}) { __typename"
    "  ... on WebhookSuccess { secret webhook { id url } } }"
    ' createBacklogItem(input: {title: "Checklist"}) { __typename } }'
)


def _post_and_stop(
    server: ServerProcess, workspace: str, variables: dict[str, Any], key: dict[str, str]
) -> dict[str, Any]:
    """REGISTER_THEN_CREATE posted once by the workspace's admin to `server`, then stopped."""
    try:
        gql = GraphQLClient(server.url, workspace, "admin", [Role.ADMIN])
        answer = gql.post(REGISTER_THEN_CREATE, variables, headers=key).json()
        gql.close()
    finally:
        server.stop()
    return answer


def test_a_retried_registration_answers_the_first_commit_instead_of_registering_again(
    make_database: Any,
) -> None:
    database = make_database()
    workspace = f"ws-{uuid.uuid4().hex[:10]}"
    key = {"Idempotency-Key": uuid.uuid4().hex}
    variables = {"url": "http://127.0.0.1:9/hook"}
    ServerProcess(database).stop()  # creates the read tables
    lagging = ServerProcess(database, projections=False)
    first = _post_and_stop(lagging, workspace, variables, key)
    assert first["errors"][0]["extensions"]["code"] == "READ_MODEL_LAGGING"  # data: null
    retry = _post_and_stop(ServerProcess(database), workspace, variables, key)
    assert "errors" not in retry
    registered = retry["data"]["registerWebhook"]
    with psycopg.connect(database) as conn:
        endpoints = conn.execute(
            "SELECT secret FROM webhook_endpoints WHERE workspace = %s", (workspace,)
        ).fetchall()
    assert endpoints == [(registered["secret"],)]  # the first attempt's endpoint, only it
