"""importMaxDiffResponses takes files up to its documented 20 MiB: a request over the 1 MiB cap
of /graphql is refused there (413) and imported through POST /graphql/import, which runs nothing
but that mutation."""

from __future__ import annotations

import csv
import io
import socket

import pytest

from okrank.api.http.import_route import MAX_IMPORT_BODY_BYTES
from tests.support.exercises import IMPORT, maxdiff_exercise
from tests.support.maxdiff_data import vdata_csv

MUTATION = (
    "mutation($input: ImportMaxDiffResponsesInput!) { importMaxDiffResponses(input: $input) {"
    f" __typename {IMPORT} }} }}"
)
COPIES = 5  # the real vdata survey (~267 KB as CSV), five times over: ~1.3 MB


def _large_survey() -> tuple[str, list[str]]:
    """The vdata survey repeated with distinct respondents: 1,750 respondents."""
    text, names = vdata_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for copy in range(COPIES):
        for row in rows:
            writer.writerow({**row, "Respondent": f"{copy}-{row['Respondent']}"})
    return out.getvalue(), names


def test_an_import_over_1_mib_is_413_at_graphql_and_imported_through_the_import_route(gql):
    text, names = _large_survey()
    assert len(text.encode()) > 1 << 20
    ex = maxdiff_exercise(gql, names)
    body = {"query": MUTATION, "variables": {"input": {"exerciseId": ex["id"], "csv": text}}}
    refused = gql.http.post("/graphql", json=body)
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    r = gql.http.post("/graphql/import", json=body)
    assert r.status_code == 200, r.text[:500]
    payload = r.json()["data"]["importMaxDiffResponses"]
    assert payload["__typename"] == "ExerciseSuccess", payload
    assert payload["exercise"]["importedResponses"] == COPIES * 350 * 13


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ viewer { subject } }", id="a query"),
        pytest.param(
            'mutation { createBacklogItem(input: {title: "x"}) { __typename } }', id="a mutation"
        ),
        pytest.param(
            'mutation { createBacklogItem(input: {title: "x"}) { __typename } '
            'importMaxDiffResponses(input: {exerciseId: "x", csv: ""}) { __typename } }',
            id="an import with another mutation",
        ),
        pytest.param(
            "mutation { ...F } fragment F on Mutation { createBacklogItem(input: {title: "
            '"x"}) { __typename } }',
            id="a root fragment",
        ),
    ],
)
def test_the_import_route_runs_nothing_but_imports(gql, query):
    r = gql.http.post("/graphql/import", json={"query": query})
    assert r.status_code == 400 and "importMaxDiffResponses" in r.json()["errors"][0]["message"]
    assert gql.execute("{ backlogItems { edges { cursor } } }")["backlogItems"]["edges"] == []


def test_the_import_route_needs_a_token_and_bounds_its_body(server, gql):
    anonymous = gql.http.post(
        "/graphql/import", json={"query": MUTATION}, headers={"Authorization": ""}
    )
    assert anonymous.status_code == 401
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(
            b"POST /graphql/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
            b"\r\nAuthorization: Bearer "
            + gql.token.encode()
            + b"\r\nContent-Length: "
            + str(MAX_IMPORT_BODY_BYTES + 1).encode()
            + b"\r\n\r\n"
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 413 ")
