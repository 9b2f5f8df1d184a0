"""A client's mistake in the HTTP envelope of a GraphQL request (the body, its encoding, its
size, the method) answers 4xx with a GraphQL-style error body, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

JSON = {"content-type": "application/json"}


def _assert_request_error(response, status: int = 400) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = response.json()
    assert body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'"{ viewer { subject } }"', id="a JSON string"),
        pytest.param(b"null", id="null"),
        pytest.param(b"42", id="a number"),
        pytest.param(b"true", id="a boolean"),
        pytest.param(b"[]", id="an empty batch"),
        pytest.param(b'[{"query": "{ viewer { subject } }"}]', id="a batch"),
        pytest.param(b'["x"]', id="a batch of strings"),
        pytest.param(b'{"query": "{ viewer { subject } }\xff\xfe"}', id="invalid UTF-8"),
        pytest.param(b"\xef\xbb\xbf{}", id="a byte-order mark"),
        pytest.param(b'{"query": 7}', id="query not a string"),
        pytest.param(b'{"query": "{ viewer { subject } }", "variables": "{}"}', id="vars string"),
        pytest.param(b'{"query": "{ viewer { subject } }", "variables": [1]}', id="vars list"),
        pytest.param(b'{"query": "{ viewer { subject } }", "extensions": 1}', id="extensions"),
        pytest.param(b'{"query": "{ viewer { subject } }", "operationName": 5}', id="op name int"),
        pytest.param(b'{"variables": {}}', id="no query"),
        pytest.param(b'{"query": "{ viewer { subject } }", "variables": {"a": 1e400}}', id="1e400"),
        pytest.param(b'{"query": "{ viewer { subject } }", "variables": {"a": NaN}}', id="NaN"),
        pytest.param(
            b'{"query": "{ viewer { subject } }", "variables": {"a": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}",
            id="100,000-deep variables",
        ),
        pytest.param(
            b'{"query": "{ viewer { subject } }", "variables": {"a": '
            + b'{"a":' * 2_000
            + b"1"
            + b"}" * 2_000
            + b"}}",
            id="2,000-deep object in variables",
        ),
    ],
)
def test_a_malformed_json_envelope_is_400_with_a_graphql_error(gql, raw):
    _assert_request_error(gql.http.post("/graphql", content=raw, headers=JSON))


def test_a_wrong_content_type_is_a_4xx_graphql_error(gql):
    r = gql.http.post(
        "/graphql", content=b"{ viewer { subject } }", headers={"content-type": "text/plain"}
    )
    assert r.status_code in (400, 415)
    _assert_request_error(r, r.status_code)


def test_an_operation_name_matching_no_operation_is_a_request_error(gql):
    r = gql.http.post(
        "/graphql", json={"query": "query A { viewer { subject } }", "operationName": "B"}
    )
    assert r.status_code in (200, 400) and "B" in r.json()["errors"][0]["message"]


def test_a_mutation_over_get_is_refused_with_a_graphql_error(gql):
    r = gql.http.get(
        "/graphql",
        params={"query": 'mutation { createBacklogItem(input: {title: "x"}) { __typename } }'},
    )
    _assert_request_error(r, r.status_code)
    assert r.status_code in (400, 405)


def test_a_get_with_malformed_variables_is_400(gql):
    for variables in ("{not json", "[1]", '"s"', "[" * 5_000):
        r = gql.http.get(
            "/graphql", params={"query": "{ viewer { subject } }", "variables": variables}
        )
        _assert_request_error(r)


def test_a_deeply_nested_literal_in_the_query_is_a_request_error(gql):
    deep = "{ node(id: " + "[" * 2400 + "]" * 2400 + ") { id } }"
    r = gql.post(deep)
    assert r.status_code in (200, 400), r.text[:300]
    assert r.json()["errors"] and "Traceback" not in r.text


def test_duplicate_keys_do_not_fail_the_request(gql):
    raw = b'{"query": "{ nope }", "query": "{ viewer { subject } }"}'
    r = gql.http.post("/graphql", content=raw, headers=JSON)
    assert r.status_code in (200, 400) and "Traceback" not in r.text


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"query": "{ viewer { subject } }", "variables": {"pad": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}}'


def test_a_10_mib_chunked_body_without_content_length_is_413(gql):
    r = gql.http.post("/graphql", content=_chunks(10 << 20), headers=JSON)
    _assert_request_error(r, 413)
    assert r.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_the_server_still_answers_after_the_mistakes(gql):
    assert gql.execute("{ viewer { subject } }") == {"viewer": {"subject": "po"}}
