"""A bounded schema-driven fuzz run against a real server: hostile operations never get a 5xx,
a masked internal error or no answer; afterwards the projections still keep up and another
workspace is untouched. `python -m bench.fuzz` runs the same driver for longer."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from okrank.api.auth import Role
from tests.support import fuzzing
from tests.support.builders import ITEM
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess

OPERATIONS = 200


@pytest.fixture(scope="module")
def fuzz_server(make_database: Any) -> Iterator[ServerProcess]:
    """A server of its own: the fuzzed operations must not disturb other tests' data."""
    proc = ServerProcess(make_database())
    yield proc
    proc.stop()


def test_fuzzed_operations_get_typed_answers_and_leave_the_service_healthy(fuzz_server):
    workspace = f"fuzz-{uuid.uuid4().hex[:8]}"
    seed = fuzzing.seed_workspaces(fuzz_server.url, workspace)
    before = fuzzing.bystander_state(seed)

    findings = fuzzing.run(fuzz_server.url, seed, workspace, examples=OPERATIONS)

    assert findings.operations >= OPERATIONS // 2, findings.summary()
    assert findings.kinds == {}, json.dumps(
        {"summary": findings.summary(), "examples": findings.examples}, indent=1
    )[:20_000]
    # The service is ready and the read models keep up: a new write reads back at once.
    assert httpx.get(f"{fuzz_server.url}/readyz", timeout=10).status_code == 200
    canary = GraphQLClient(fuzz_server.url, f"canary-{uuid.uuid4().hex[:8]}", "po", [Role.ADMIN])
    try:
        made = canary.mutate("createBacklogItem", {"title": "After the fuzz run"}, ITEM)
        assert made["__typename"] == "BacklogItemSuccess", made
    finally:
        canary.close()
    # Another workspace, whose IDs every operation could name, is exactly as it was.
    assert fuzzing.bystander_state(seed) == before
    seed.bystander.close()
