"""Hostile documents over HTTP and WebSocket: refused with a typed error while the process keeps
answering; the query cost limit and every answer's cost."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx

from okrank.api.limits.settings import DEFAULT_COST_LIMIT
from tests.support.subscriptions import subscribe

MEDIA = "application/graphql-response+json"
NESTED = """{ exercises(first: 100) { edges { node {
    respondentUtilities(first: 100) { edges { cursor } } } } } }"""


def bomb(n: int) -> str:
    """The 774-byte-class document: each fragment spreads the previous one twice."""
    fragments = ["fragment F0 on Query { viewer { subject } }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, n)
    ]
    return f"query {{ ...F{n - 1} }} " + " ".join(fragments)


def test_fragment_bomb_gets_a_typed_error_while_healthz_answers(server, gql):
    # Before the fix the depth limiter's walk of this document blocked the event loop for
    # minutes: /healthz, sent while the bomb is in flight, would not answer either.
    with (
        ThreadPoolExecutor(max_workers=2) as pool,
        httpx.Client(base_url=server.url, timeout=60) as other,
    ):
        in_flight = pool.submit(gql.post, bomb(30))
        health = pool.submit(other.get, "/healthz")
        assert health.result().text == "ok"
        body = in_flight.result().json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "TOO_MANY_FIELDS", "limit": 5000}


def test_repeated_fields_are_refused_before_graphql_core_compares_them(gql):
    body = gql.post("{ " + " ".join(["viewer { subject }"] * 1000) + " }").json()
    assert body["errors"][0]["extensions"]["code"] == "FIELD_REPEATED"


def test_a_costly_query_is_refused_naming_its_cost_and_the_limit(gql):
    response = gql.post(NESTED, headers={"Accept": MEDIA})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 10_100,
        "limit": DEFAULT_COST_LIMIT,
    }
    assert "10100" in error["message"] and str(DEFAULT_COST_LIMIT) in error["message"]


def test_an_answer_carries_its_cost(gql):
    body = gql.post(
        "query($n: Int!) { ranking(first: $n) { edges { cursor } } viewer { subject } }",
        {"n": 20},
    ).json()
    assert "errors" not in body and body["data"]["viewer"]["subject"] == "po"
    assert body["extensions"]["cost"] == {"requested": 20, "limit": DEFAULT_COST_LIMIT}


def test_websocket_subscriptions_get_the_same_limits(server, gql):
    subscription_bomb = (
        bomb(30)
        .replace("query {", "subscription {", 1)
        .replace(
            "fragment F0 on Query { viewer { subject } }",
            "fragment F0 on Subscription { rankingChanged { cursor } }",
        )
        .replace(" on Query ", " on Subscription ")
    )
    message = asyncio.run(subscribe(server, gql.token, subscription_bomb))
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "TOO_MANY_FIELDS"
