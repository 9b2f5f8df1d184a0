"""Every answer carries a request id (the client's X-Request-Id when it is a short token, else
a new one), and `--log-format json` (OKRANK_LOG_FORMAT) writes one JSON object per log line
with that id, credentials masked."""

from __future__ import annotations

import json
import tempfile
import time

import httpx
import pytest

from okrank.api.auth import Role, issue_token
from okrank.api.http.request_id import request_id_for
from tests.support.servers import SECRET, ServerProcess


def test_a_client_request_id_is_echoed_and_one_is_made_otherwise(server):
    mine = httpx.get(f"{server.url}/healthz", headers={"X-Request-Id": "req-42.a"})
    assert mine.headers["x-request-id"] == "req-42.a"
    made = httpx.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
    assert made.status_code == 401 and len(made.headers["x-request-id"]) == 32


@pytest.mark.parametrize("offered", ["", "a b", "x" * 65, "evil\nline", "ü"])
def test_a_request_id_that_could_forge_log_content_is_replaced(offered):
    assert request_id_for(offered) != offered and len(request_id_for(offered)) == 32


def test_made_request_ids_are_32_hex_digits_and_do_not_repeat():
    made = {request_id_for(None) for _ in range(10_000)}
    assert len(made) == 10_000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in made)


def test_json_logs_carry_the_request_id_of_the_request_that_wrote_them(make_database):
    token = issue_token(SECRET, "ws-json-logs", "po", [Role.ADMIN])
    with tempfile.TemporaryFile() as output:
        server = ServerProcess(
            make_database(), env={"OKRANK_LOG_FORMAT": "json"}, log_level="debug", output=output
        )
        try:
            answer = httpx.post(
                f"{server.url}/graphql",
                json={"query": "{ nope }"},
                headers={"Authorization": f"Bearer {token}", "X-Request-Id": "trace-7"},
            )
            assert answer.headers["x-request-id"] == "trace-7"
            deadline = time.monotonic() + 10
            mine: list[dict] = []
            while not mine and time.monotonic() < deadline:
                output.seek(0)
                entries = [
                    json.loads(line)
                    for line in output.read().decode().splitlines()
                    if line.startswith("{")
                ]
                mine = [e for e in entries if e["request_id"] == "trace-7"]
                time.sleep(0.05)
        finally:
            server.stop()
    assert mine, entries[-5:]
    assert mine[0]["level"] == "DEBUG" and "nope" in mine[0]["message"]
    assert {"time", "level", "logger", "message", "request_id"} <= set(mine[0])
    assert any(e["logger"].startswith("uvicorn") for e in entries)  # uvicorn's lines too
