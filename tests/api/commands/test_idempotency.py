"""Idempotency keys on mutations, through real server processes."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import httpx
import psycopg

from okrank.api.auth import Role
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess

CREATE = (
    "mutation($input: CreateBacklogItemInput!) { createBacklogItem(input: $input) {"
    " __typename ... on BacklogItemSuccess { backlogItem { id title } }"
    " ... on UserError { message } } }"
)
ITEMS = "{ backlogItems(first: 100) { edges { node { id title } } } }"


def create(gql: GraphQLClient, key: str | bytes, title: str = "Checklist") -> httpx.Response:
    return gql.post(CREATE, {"input": {"title": title}}, headers={"Idempotency-Key": key})


def item_count(gql: GraphQLClient) -> int:
    return len(gql.execute(ITEMS)["backlogItems"]["edges"])


def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_one_item(
    gql: GraphQLClient,
) -> None:
    key = uuid.uuid4().hex
    first, second = create(gql, key), create(gql, key)
    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["createBacklogItem"]["__typename"] == "BacklogItemSuccess"
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert item_count(gql) == 1


def test_a_typed_error_answer_is_replayed_too(gql: GraphQLClient) -> None:
    key = uuid.uuid4().hex
    first, second = create(gql, key, title=""), create(gql, key, title="")
    assert first.json()["data"]["createBacklogItem"]["__typename"] == "ValidationError"
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"


def test_the_same_key_with_another_request_is_a_typed_422(gql: GraphQLClient) -> None:
    key = uuid.uuid4().hex
    assert create(gql, key, title="One").status_code == 200
    reused = create(gql, key, title="Another")
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert item_count(gql) == 1


def test_variables_in_another_key_order_are_the_same_request(gql: GraphQLClient) -> None:
    key = uuid.uuid4().hex
    body_a = '{"query": %s, "variables": {"input": {"title": "T", "description": "d"}}}'
    body_b = '{"variables":{"input":{"description":"d","title":"T"}},"query":%s}'
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    first = gql.http.post("/graphql", content=body_a % json.dumps(CREATE), headers=headers)
    second = gql.http.post("/graphql", content=body_b % json.dumps(CREATE), headers=headers)
    assert second.status_code == 200 and second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"


def test_concurrent_requests_with_one_key_run_the_command_once(gql: GraphQLClient) -> None:
    key, n = uuid.uuid4().hex, 4
    barrier = threading.Barrier(n)
    answers: list[httpx.Response] = []

    def send() -> None:
        with httpx.Client(base_url=gql.url, timeout=30) as http:
            barrier.wait(timeout=10)
            answers.append(
                http.post(
                    "/graphql",
                    json={"query": CREATE, "variables": {"input": {"title": "Once"}}},
                    headers={"Authorization": f"Bearer {gql.token}", "Idempotency-Key": key},
                )
            )

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(answers) == n
    assert {a.status_code for a in answers} <= {200, 409}
    for a in answers:
        if a.status_code == 409:
            assert a.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_IN_PROGRESS"
            assert a.headers["retry-after"] == "1"
    assert len({a.content for a in answers if a.status_code == 200}) == 1
    assert item_count(gql) == 1


def test_a_key_is_scoped_to_its_workspace_and_subject(client_factory: Any) -> None:
    owner = client_factory()
    colleague = client_factory(workspace=owner.workspace, subject="someone-else")
    elsewhere = client_factory(subject=owner.subject)
    key = uuid.uuid4().hex
    answers = [create(c, key) for c in (owner, colleague, elsewhere)]
    assert all("idempotent-replayed" not in a.headers for a in answers)
    assert item_count(owner) == 2  # the owner's and the colleague's, one workspace
    assert item_count(elsewhere) == 1


def test_queries_ignore_the_key(gql: GraphQLClient) -> None:
    create(gql, uuid.uuid4().hex)
    key = uuid.uuid4().hex
    first = gql.post(ITEMS, headers={"Idempotency-Key": key})
    second = gql.post("{ __typename }", headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 200
    assert "idempotent-replayed" not in second.headers
    assert second.json()["data"] == {"__typename": "Query"}
    bad_key = gql.post(ITEMS, headers={"Idempotency-Key": ""})
    assert bad_key.status_code == 200


def test_a_malformed_key_is_a_400_and_changes_nothing(gql: GraphQLClient) -> None:
    for key in ["", "x" * 256, b"caf\xe9", "tab\tinside"]:
        answer = create(gql, key)
        assert answer.status_code == 400, key
        assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_IDEMPOTENCY_KEY"
    two = gql.http.post(
        "/graphql",
        json={"query": CREATE, "variables": {"input": {"title": "T"}}},
        headers=[("Idempotency-Key", "a"), ("Idempotency-Key", "b")],
    )
    assert two.status_code == 400
    assert item_count(gql) == 0
    assert create(gql, '"quoted-key"').status_code == 200  # a structured-field string
    assert create(gql, "x" * 255).status_code == 200
    assert item_count(gql) == 2


def test_a_key_holds_across_server_processes(database_url: str, gql: GraphQLClient) -> None:
    other = ServerProcess(database_url, projections=False)
    try:
        key = uuid.uuid4().hex
        first = create(gql, key)
        with httpx.Client(base_url=other.url, timeout=30) as http:
            second = http.post(
                "/graphql",
                json={"query": CREATE, "variables": {"input": {"title": "Checklist"}}},
                headers={"Authorization": f"Bearer {gql.token}", "Idempotency-Key": key},
            )
    finally:
        other.stop()
    assert second.status_code == 200 and second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert item_count(gql) == 1


def test_a_command_that_committed_but_answered_an_error_does_not_run_again(
    make_database: Any,
) -> None:
    """The motivating case: the command committed, the answer was an error (here: no projection
    runs, so the read model never shows the item). The error is not stored: the retry, on a
    process whose projections run, answers success for the first commit instead of creating a
    second item."""
    database = make_database()
    workspace = f"ws-{uuid.uuid4().hex[:10]}"
    key = uuid.uuid4().hex
    ServerProcess(database).stop()  # creates the read tables
    lagging = ServerProcess(database, projections=False)
    try:
        gql = GraphQLClient(lagging.url, workspace, "po", [Role.ADMIN])
        first = create(gql, key)
        gql.close()
    finally:
        lagging.stop()
    assert first.json()["errors"][0]["extensions"]["code"] == "READ_MODEL_LAGGING"
    healthy = ServerProcess(database)
    try:
        gql = GraphQLClient(healthy.url, workspace, "po", [Role.ADMIN])
        retry = create(gql, key)
        again = create(gql, key)
        items = gql.execute(ITEMS)["backlogItems"]["edges"]
        gql.close()
    finally:
        healthy.stop()
    payload = retry.json()["data"]["createBacklogItem"]
    assert payload["__typename"] == "BacklogItemSuccess"
    assert [e["node"]["id"] for e in items] == [payload["backlogItem"]["id"]]
    assert again.content == retry.content and again.headers["idempotent-replayed"] == "true"


def test_an_answer_given_to_one_set_of_roles_is_not_replayed_to_another(
    client_factory: Any,
) -> None:
    member = client_factory(roles=(Role.MEMBER,))
    admin = client_factory(workspace=member.workspace, subject=member.subject)
    key = uuid.uuid4().hex
    denied = create(member, key).json()["data"]["createBacklogItem"]
    assert denied["__typename"] == "PermissionDeniedError"
    assert create(admin, key).status_code == 422  # not the member's refusal


def test_an_expired_key_runs_again_and_expired_rows_are_purged(
    database_url: str, server: ServerProcess
) -> None:
    """With OKRANK_IDEMPOTENCY_TTL=0 every key has expired by its retry; a starting process
    purges expired rows with its first keyed request."""
    workspace = f"ws-{uuid.uuid4().hex[:10]}"
    first_key, second_key = uuid.uuid4().hex, uuid.uuid4().hex
    for key in (first_key, second_key):
        forgetful = ServerProcess(
            database_url, projections=False, env={"OKRANK_IDEMPOTENCY_TTL": "0"}
        )
        try:
            gql = GraphQLClient(forgetful.url, workspace, "po", [Role.ADMIN])
            first, retry = create(gql, key), create(gql, key)
            gql.close()
        finally:
            forgetful.stop()
        assert "idempotent-replayed" not in retry.headers
        assert (
            retry.json()["data"]["createBacklogItem"]["backlogItem"]["id"]
            != (first.json()["data"]["createBacklogItem"]["backlogItem"]["id"])
        )
    with psycopg.connect(database_url) as conn:
        keys = conn.execute(
            "SELECT key FROM idempotency_keys WHERE workspace = %s", (workspace,)
        ).fetchall()
    assert keys == [(second_key,)]


SERVICE_TOKEN = (
    "mutation($input: CreateServiceTokenInput!) { createServiceToken(input: $input) {"
    " __typename ... on ServiceTokenSuccess { token } ... on UserError { message } } }"
)


def test_a_new_service_token_is_never_kept_with_its_key(gql: GraphQLClient, database_url) -> None:
    """A service token is stored only hashed: its answer is not kept for replays, and a retry
    meets the live-name rule instead of creating a second token."""
    key = uuid.uuid4().hex
    variables = {"input": {"name": f"ci-{key[:6]}", "roles": ["MEMBER"]}}
    first = gql.post(SERVICE_TOKEN, variables, headers={"Idempotency-Key": key})
    created = first.json()["data"]["createServiceToken"]
    assert created["__typename"] == "ServiceTokenSuccess"
    with psycopg.connect(database_url) as conn:
        bodies = conn.execute(
            "SELECT body FROM idempotency_keys WHERE workspace = %s", (gql.workspace,)
        ).fetchall()
    assert all(body is None or created["token"].encode() not in bytes(body) for (body,) in bodies)
    retry = gql.post(SERVICE_TOKEN, variables, headers={"Idempotency-Key": key})
    assert "idempotent-replayed" not in retry.headers
    assert retry.json()["data"]["createServiceToken"]["__typename"] == "ConflictError"
