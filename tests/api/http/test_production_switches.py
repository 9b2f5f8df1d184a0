"""Production switches on a server of their own: introspection and GraphiQL off, trusted
documents only, and a low query cost limit (OKRANK_* environment variables)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from okrank.api.auth import Role, issue_token
from tests.support.servers import SECRET, ServerProcess
from tests.support.subscriptions import subscribe

MEDIA = "application/graphql-response+json"
VIEWER = "{ viewer { subject } }"
TYPENAME = "{ __typename }"
INTROSPECT = "{ __schema { queryType { name } } }"
PAGE = "{ objectives(first: 2) { edges { cursor } } }"  # costs 2, over the limit of 1 below
MANIFEST = [VIEWER, TYPENAME, INTROSPECT, PAGE]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def locked_server(make_database: Any, tmp_path_factory: Any) -> Iterator[ServerProcess]:
    manifest = tmp_path_factory.mktemp("trusted") / "manifest.json"
    manifest.write_text(json.dumps({f"sha256:{sha(d)}": d for d in MANIFEST}))
    env = {
        "OKRANK_INTROSPECTION": "0",
        "OKRANK_GRAPHIQL": "0",
        "OKRANK_TRUSTED_DOCUMENTS": str(manifest),
        "OKRANK_QUERY_COST_LIMIT": "1",
    }
    proc = ServerProcess(make_database(), projections=False, env=env)
    yield proc
    proc.stop()


@pytest.fixture
def token() -> str:
    return issue_token(SECRET, f"ws-{uuid.uuid4().hex[:10]}", "po", [Role.ADMIN])


@pytest.fixture
def http(locked_server: ServerProcess, token: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=locked_server.url, timeout=30, headers=headers) as client:
        yield client


def code(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


def test_a_trusted_document_runs_by_text_by_document_id_and_by_apollo_hash(http):
    by_text = http.post("/graphql", json={"query": VIEWER}).json()
    assert by_text["data"] == {"viewer": {"subject": "po"}}
    by_id = http.post("/graphql", json={"documentId": f"sha256:{sha(VIEWER)}"}).json()
    assert by_id["data"] == {"viewer": {"subject": "po"}}
    apollo = {"persistedQuery": {"version": 1, "sha256Hash": sha(VIEWER)}}
    by_hash = http.post("/graphql", json={"extensions": apollo}).json()
    assert by_hash["data"] == {"viewer": {"subject": "po"}}
    by_get = http.get(
        "/graphql",
        params={"extensions": json.dumps(apollo)},
        headers={"Accept": "application/json"},  # as Apollo Client sends: not a browser
    ).json()
    assert by_get["data"] == {"viewer": {"subject": "po"}}


def test_anything_else_is_refused_with_400_for_graphql_response_clients(http):
    headers = {"Accept": MEDIA}
    untrusted = http.post("/graphql", json={"query": "{ viewer { roles } }"}, headers=headers)
    assert untrusted.status_code == 400 and code(untrusted) == "DOCUMENT_NOT_TRUSTED"
    unknown = http.post("/graphql", json={"documentId": "sha256:" + "0" * 64}, headers=headers)
    assert unknown.status_code == 400 and code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    named = http.post(
        "/graphql", json={"query": "query X { viewer { roles } }", "operationName": "X"}
    )
    assert named.status_code == 200 and code(named) == "DOCUMENT_NOT_TRUSTED"
    mutation = http.post(
        "/graphql",
        json={"query": 'mutation { createBacklogItem(input: {title: "x"}) { __typename } }'},
    )
    assert code(mutation) == "DOCUMENT_NOT_TRUSTED"


def test_hostile_references_get_typed_refusals_not_internal_errors(http):
    odd_hash = http.post("/graphql", json={"extensions": {"persistedQuery": {"sha256Hash": 5}}})
    assert code(odd_hash) == "PERSISTED_QUERY_NOT_FOUND"
    odd_name = http.post("/graphql", json={"query": "{ viewer { roles } }", "operationName": 5})
    assert odd_name.status_code < 500 and "Internal" not in odd_name.text


def test_an_untrusted_subscription_is_refused_over_websocket(locked_server, token):
    message = asyncio.run(
        subscribe(locked_server, token, "subscription { rankingChanged { cursor } }")
    )
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"


def test_introspection_off_refuses_schema_queries_but_not_typename(http):
    refused = http.post("/graphql", json={"query": INTROSPECT})
    assert code(refused) == "INTROSPECTION_DISABLED" and refused.json()["data"] is None
    assert http.post("/graphql", json={"query": TYPENAME}).json()["data"] == {"__typename": "Query"}


def test_graphiql_off_serves_no_page(locked_server, http):
    browser = {"Accept": "text/html"}
    anonymous = httpx.get(f"{locked_server.url}/graphql", headers=browser, timeout=30)
    assert anonymous.status_code == 401 and "graphiql" not in anonymous.text.lower()
    signed_in = http.get("/graphql", headers=browser)
    assert signed_in.status_code == 404 and "graphiql" not in signed_in.text.lower()


def test_the_cost_limit_is_configurable_and_holds_over_websocket(locked_server, http, token):
    refused = http.post("/graphql", json={"query": PAGE}).json()
    assert refused["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 2, "limit": 1}
    message = asyncio.run(subscribe(locked_server, token, PAGE))
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_defaults_keep_introspection_on(gql):
    assert gql.execute(INTROSPECT)["__schema"]["queryType"]["name"] == "Query"
