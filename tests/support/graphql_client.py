"""A GraphQL-over-HTTP client speaking to a test server as one workspace member."""

from __future__ import annotations

from typing import Any

import httpx

from okrank.api.auth import Role, issue_token
from tests.support.servers import SECRET


class GraphQLClient:
    """Speaks GraphQL over HTTP to the test server as one workspace member."""

    def __init__(self, url: str, workspace: str, subject: str, roles: list[Role]) -> None:
        self.url, self.workspace, self.subject = url, workspace, subject
        self.token = issue_token(SECRET, workspace, subject, roles)
        self.http = httpx.Client(
            base_url=url, timeout=30, headers={"Authorization": f"Bearer {self.token}"}
        )

    def post(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}}, **kw)

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run an operation that must succeed without GraphQL errors; return its data."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def mutate(self, name: str, input: dict[str, Any], selection: str) -> dict[str, Any]:
        """Run one mutation; return its payload (success or typed error) with __typename."""
        query = (
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{"
            " __typename ... on UserError { message }"
            " ... on ValidationError { path } ... on ConflictError { currentVersion }"
            " ... on NotFoundError { id }"
            f" {selection} }} }}"
        )
        return self.execute(query, {"input": input})[name]

    def bad_user_input(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """Run an operation that must be refused as BAD_USER_INPUT, with no data; return the
        error's message."""
        body = self.post(query, variables).json()
        assert body.get("data") is None or all(v is None for v in body["data"].values()), body
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        return error["message"]

    def close(self) -> None:
        self.http.close()
