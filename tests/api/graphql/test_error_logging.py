"""A client's mistakes are not logged as server faults: a real server process, at its default
log level, writes (almost) nothing for 50 bad requests, and still logs a real fault at ERROR
with its traceback."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from okrank.api.auth import Role, issue_token
from tests.support.servers import SECRET, ServerProcess

BAD_REQUESTS: list[dict] = [
    {"query": "{ viewer { "},  # syntax error
    {"query": "{ nope }"},  # validation error
    {"query": "query($id: ID!) { objective(id: $id) { id } }", "variables": {"id": {"x": 1}}},
    {"query": "query($n: Int!) { objectives(first: $n) { totalCount } }"},  # missing variable
    {"query": '{ objective(id: "not-a-global-id") { id } }'},  # BAD_USER_INPUT
    {"query": '{ node(id: "") { id } }'},
    {"query": "{ ranking(method: EXERCISE) { totalCount } }"},  # BAD_USER_INPUT, no exerciseId
    {"query": "{ viewer { subject } }", "operationName": "Nope"},
]


@pytest.fixture(scope="module")
def logged(make_database) -> Iterator[tuple[ServerProcess, Path, str]]:
    """A server of its own at the default log level (info), its output in a file."""
    url = make_database()
    with tempfile.NamedTemporaryFile(prefix="okrank-log-", suffix=".txt") as out:
        server = ServerProcess(url, log_level="info", output=out)
        yield server, Path(out.name), url
        server.stop()


def _post(server: ServerProcess, body: dict, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{server.url}/graphql", json=body, headers=headers, timeout=30)


def test_fifty_client_errors_write_almost_nothing_and_a_fault_still_logs(logged):
    server, log, url = logged
    token = issue_token(SECRET, "ws-log", "po", [Role.ADMIN])
    before = log.stat().st_size
    for n in range(50):
        if n % 10 == 9:  # no token / a forged token / malformed JSON
            r = _post(server, {"query": "{ viewer { subject } }"}, None if n % 20 else "forged")
            assert r.status_code == 401
            continue
        r = _post(server, BAD_REQUESTS[n % len(BAD_REQUESTS)], token)
        assert r.status_code in (200, 400) and r.json()["errors"], r.text
    bad_json = httpx.post(
        f"{server.url}/graphql",
        content=b"[" * 5000,
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert bad_json.status_code == 400
    written = log.read_bytes()[before:]
    assert len(written) < 500 and b"Traceback" not in written, written[:2000]

    # A real fault: a read table is gone (dropped behind the server's back).
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE backlog_items CASCADE")
    fault = _post(server, {"query": "{ backlogItems { edges { cursor } } }"}, token)
    assert fault.json()["errors"][0]["message"] == "Internal error."  # masked for the client
    deadline = time.monotonic() + 30
    while b"Traceback" not in log.read_bytes()[before:] and time.monotonic() < deadline:
        time.sleep(0.05)
    text = log.read_bytes()[before:].decode(errors="replace")
    assert "ERROR" in text and "Traceback" in text and "backlog_items" in text
