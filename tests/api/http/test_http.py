"""GraphQL over HTTP as the specification describes it: methods, media types, status codes."""

from __future__ import annotations

MEDIA = "application/graphql-response+json"


def test_get_runs_queries_but_not_mutations(gql):
    ok = gql.http.get("/graphql", params={"query": "{ viewer { subject } }"})
    assert ok.status_code == 200 and ok.json()["data"]["viewer"]["subject"] == "po"
    refused = gql.http.get(
        "/graphql",
        params={"query": 'mutation { createBacklogItem(input: {title: "x"}) { __typename } }'},
    )
    assert refused.status_code in (400, 405)
    assert gql.execute("{ backlogItems { edges { cursor } } }")["backlogItems"]["edges"] == []


def test_graphql_response_media_type_gets_400_for_request_errors(gql):
    headers = {"Accept": MEDIA}
    syntax = gql.post("{ viewer { ", headers=headers)
    assert syntax.status_code == 400 and syntax.headers["content-type"].startswith(MEDIA)
    assert "data" not in syntax.json() and "Syntax Error" in syntax.json()["errors"][0]["message"]
    invalid = gql.post("{ nope }", headers=headers)
    assert invalid.status_code == 400 and "nope" in invalid.json()["errors"][0]["message"]
    ok = gql.post("{ viewer { subject } }", headers=headers)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith(MEDIA)


def test_plain_json_clients_get_200_with_errors(gql):
    r = gql.post("{ nope }")
    assert r.status_code == 200 and r.json()["errors"]


def test_malformed_body_is_400_not_500(gql):
    r = gql.http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400


def test_oversize_payload_is_413(gql):
    r = gql.http.post(
        "/graphql", content=b"x" * (2 << 20), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_deep_queries_are_rejected(gql):
    path = ["ranking", "edges", "node", "backlogItem", "tags", "objective"] + ["parent"] * 8
    deep = "{ " + " { ".join(path) + " { id" + " }" * (len(path) + 1)
    r = gql.post(deep).json()
    assert "exceeds maximum operation depth" in r["errors"][0]["message"]


def test_health_endpoints(server, gql):
    assert gql.http.get("/healthz").text == "ok"
    ready = gql.http.get("/readyz").json()
    assert ready["ready"] is True and set(ready["positions"]) == {
        "catalog",
        "tag_history",
        "strategy",
        "audit_chain",
    }


def test_graphiql_page_is_served_to_browsers(gql):
    page = gql.http.get("/graphql", headers={"Accept": "text/html", "Authorization": ""})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_errors_never_leak_stack_traces(gql):
    r = gql.post('{ objective(id: "%s") { id } }' % ("A" * 5000))
    body = r.text
    assert r.status_code in (200, 400) and "Traceback" not in body and 'File "' not in body
