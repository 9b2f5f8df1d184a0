"""Per-token rate limiting through real servers started with small limits."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from okrank.api.auth import Role, issue_token
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess

# 0.2 tokens/s: a request refills far less than one token, however slow the machine.
SMALL = {"OKRANK_RATE_LIMIT": "0.2", "OKRANK_RATE_BURST": "5"}
CREATE = (
    "mutation($input: CreateBacklogItemInput!) { createBacklogItem(input: $input) { __typename } }"
)


@pytest.fixture(scope="module")
def limited(database_url: str, server: ServerProcess) -> Iterator[ServerProcess]:
    """Projections run in the shared `server` (same database)."""
    proc = ServerProcess(database_url, projections=False, env=SMALL)
    yield proc
    proc.stop()


@pytest.fixture
def client(limited: ServerProcess) -> Iterator[Any]:
    clients: list[GraphQLClient] = []

    def make(workspace: str | None = None, subject: str = "po") -> GraphQLClient:
        c = GraphQLClient(
            limited.url, workspace or f"ws-{uuid.uuid4().hex[:10]}", subject, [Role.ADMIN]
        )
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def until_limited(gql: GraphQLClient, at_most: int = 10) -> list[httpx.Response]:
    answers = []
    for _ in range(at_most):
        answers.append(gql.post("{ __typename }"))
        if answers[-1].status_code == 429:
            break
    return answers


def test_after_the_burst_a_token_gets_429_with_retry_after_and_a_graphql_error(client) -> None:
    answers = until_limited(client())
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    limited = answers[-1]
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert limited.headers["ratelimit-remaining"] == "0"


def test_the_budget_headers_count_down_on_every_answer(client) -> None:
    answers = until_limited(client())
    remaining = [int(a.headers["ratelimit-remaining"]) for a in answers[:5]]
    assert remaining == [4, 3, 2, 1, 0]
    assert all(a.headers["ratelimit-limit"] == "5" for a in answers)
    assert all(int(a.headers["ratelimit-reset"]) > 0 for a in answers)


def test_another_token_is_not_affected(client) -> None:
    spent = client()
    assert until_limited(spent)[-1].status_code == 429
    colleague = client(workspace=spent.workspace, subject="colleague")
    answer = colleague.post("{ __typename }")
    assert answer.status_code == 200
    assert answer.headers["ratelimit-remaining"] == "4"


def test_a_mutation_costs_more_than_a_query(client) -> None:
    gql = client()
    answer = gql.post(CREATE, {"input": {"title": "T"}})
    assert answer.status_code == 200
    assert answer.headers["ratelimit-remaining"] == "3"  # 1 at the door + 1 for the mutation


def test_bad_tokens_do_not_spend_a_real_tokens_budget(client, limited: ServerProcess) -> None:
    gql = client()
    # Same workspace and subject, signed with another secret.
    forged = issue_token("not-the-secret-" + "x" * 32, gql.workspace, gql.subject, [Role.ADMIN])
    for _ in range(8):
        bad = httpx.post(
            f"{limited.url}/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {forged}"},
        )
        assert bad.status_code == 401
    assert gql.post("{ __typename }").headers["ratelimit-remaining"] == "4"


def test_subscription_starts_are_limited_per_token(client, limited: ServerProcess) -> None:
    gql = client()
    url = limited.url.replace("http", "ws") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {"token": gql.token}}))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        query = "subscription { rankingChanged { cursor } }"
        for n in (1, 2):  # a start costs 5: the first takes the whole burst
            ws.send(json.dumps({"id": str(n), "type": "subscribe", "payload": {"query": query}}))
        message = json.loads(ws.recv(timeout=10))
    assert message["id"] == "2"
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "RATE_LIMITED"


def _failure_limited(database_url: str) -> Iterator[ServerProcess]:
    """A server whose failure budget per address is 3, refilled at one every 5 s."""
    proc = ServerProcess(
        database_url,
        projections=False,
        env={"OKRANK_AUTH_FAILURE_RATE": "0.2", "OKRANK_AUTH_FAILURE_BURST": "3"},
    )
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def guarded(database_url: str) -> Iterator[ServerProcess]:
    yield from _failure_limited(database_url)


def test_an_address_that_keeps_failing_authentication_gets_429_but_known_tokens_pass(
    guarded: ServerProcess,
) -> None:
    known = GraphQLClient(guarded.url, f"ws-{uuid.uuid4().hex[:10]}", "po", [Role.ADMIN])
    assert known.post("{ __typename }").status_code == 200
    statuses = []
    with httpx.Client(base_url=guarded.url, timeout=30) as http:
        for _ in range(5):
            bad = http.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": "Bearer nonsense"},
            )
            statuses.append(bad.status_code)
    assert statuses == [401, 401, 401, 429, 429]
    assert bad.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(bad.headers["retry-after"]) >= 1
    assert known.post("{ __typename }").status_code == 200
    known.close()


@pytest.fixture
def guarded_afresh(database_url: str) -> Iterator[ServerProcess]:
    """A server whose failure budget no other test has spent."""
    yield from _failure_limited(database_url)


def test_a_valid_token_sent_after_a_guess_does_not_let_the_guess_skip_the_failure_limit(
    guarded_afresh: ServerProcess,
) -> None:
    """Authorization sent twice reads as its last value for the guard and the limiter alike:
    before, the limiter vouched for the first value after the guard had accepted the last, so
    a guess paired with any valid token went on to be tried alone without limit."""
    known = GraphQLClient(guarded_afresh.url, f"ws-{uuid.uuid4().hex[:10]}", "po", [Role.ADMIN])
    assert known.post("{ __typename }").status_code == 200
    guess = f"Bearer guess-{uuid.uuid4().hex}"
    query = {"query": "{ __typename }"}
    with httpx.Client(base_url=guarded_afresh.url, timeout=30) as http:
        paired = http.post(
            "/graphql",
            json=query,
            headers=[("Authorization", guess), ("Authorization", f"Bearer {known.token}")],
        )
        assert paired.status_code == 200  # the last value is the one authenticated
        statuses = []
        for n in range(10):  # spend the address's failure budget (burst 3)
            statuses.append(
                http.post(
                    "/graphql", json=query, headers={"Authorization": f"Bearer other-{n}"}
                ).status_code
            )
            if statuses[-1] == 429:
                break
        assert statuses[-1] == 429, statuses
        alone = http.post("/graphql", json=query, headers={"Authorization": guess})
    assert alone.status_code == 429
    known.close()
