"""The README's examples run as written: its curl example and its GraphiQL walk-through are read
from README.md and sent through HTTP to a real server, so the front door cannot drift from the
API."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from okrank.api.auth import Role
from tests.support.graphql_client import GraphQLClient
from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text()
USER_ERRORS = {
    "ValidationError",
    "NotFoundError",
    "ConflictError",
    "PermissionDeniedError",
    "CsvImportError",
}
# Which answer gives which placeholder of the walk-through its ID.
PLACEHOLDERS = {
    "createObjective": ("<objective>", "objective"),
    "createBacklogItem": ("<item>", "backlogItem"),
    "createExercise": ("<exercise>", "exercise"),
    "secondItem": ("<second item>", "backlogItem"),
}


def fenced_block(after: str, language: str) -> str:
    """The first ```language block after the line that starts with `after`."""
    start = README.index(after)
    match = re.compile(rf"```{language}\n(.*?)```", re.S).search(README, start)
    assert match, f"no {language} block after {after!r}"
    return match.group(1)


def curl_bodies() -> list[dict[str, Any]]:
    """The JSON bodies of the example's `q '…'` calls."""
    block = fenced_block("### Example", "sh")
    return [json.loads(body) for body in re.findall(r"^q '(.*)'$", block, re.M)]


def walk_through() -> list[tuple[str, str]]:
    """(who, operation) for each operation of the walk-through; `# as …` lines change who."""
    block = fenced_block("The whole loop and a MoSCoW exercise", "graphql")
    steps: list[list[str]] = []
    who = "owner"
    for line in block.splitlines():
        if line.startswith("#"):
            subject = re.search(r"--subject (\w+)", line)
            who = subject.group(1) if subject else "owner"
        elif re.match(r"(mutation|query) ", line):
            steps.append([who, line + "\n"])
        else:
            steps[-1][1] += line + "\n"
    return [(who, document) for who, document in steps]


def answer_of(client: GraphQLClient, document: str) -> dict[str, Any]:
    response = client.post(document)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, (document, body["errors"])
    return body["data"]


def test_the_curl_example_answers_as_the_readme_says(client_factory):
    admin = client_factory(subject="alice")
    first, ranking = curl_bodies()
    created = admin.http.post("/graphql", json=first).json()
    shown = fenced_block("### Example", "sh").split("# → ", 1)[1].splitlines()[0]
    expected = json.loads(
        shown.replace("T2JqZWN0aXZl...", created["data"]["createObjective"]["objective"]["id"])
    )
    assert created == expected
    answer = admin.http.post("/graphql", json=ranking).json()
    assert "errors" not in answer and answer["data"]["ranking"]["totalCount"] == 0


def test_the_walk_through_runs_as_written(server):
    workspace = f"readme-{uuid.uuid4().hex[:8]}"
    clients = {"owner": GraphQLClient(server.url, workspace, "alice", [Role.ADMIN])}
    steps = walk_through()
    assert len(steps) >= 17, steps
    ids: dict[str, str] = {}
    try:
        for who, document in steps:
            if who not in clients:
                clients[who] = GraphQLClient(server.url, workspace, who, [Role.STAKEHOLDER])
            for placeholder, ident in ids.items():
                document = document.replace(placeholder, ident)
            assert "<" not in document, f"a placeholder no earlier answer gave: {document}"
            data = answer_of(clients[who], document)
            ((field, value),) = data.items()
            assert value is not None, document
            if isinstance(value, dict) and value.get("__typename") in USER_ERRORS:
                pytest.fail(f"{field} answered {value}")
            if field in PLACEHOLDERS:
                placeholder, key = PLACEHOLDERS[field]
                ids[placeholder] = value[key]["id"]
        # The last step is the exercise's ranking: the MUST item (DIRECT: doubled) leads.
        first, second = [e["node"] for e in data["ranking"]["edges"]]
        assert (first["rank"], first["multiplier"]) == (1, 2.0)
        assert first["backlogItem"]["title"] == "Single sign-on"
        assert (second["rank"], second["multiplier"]) == (2, 1.0)
    finally:
        for client in clients.values():
            client.close()
