"""An exercise set to close by itself closes at its deadline, once, though two server
processes on the same database both run the automatic close."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from okrank.api.exercises.auto_close import AutoCloser
from okrank.domain.exercises.commands import AUTO_CLOSE_ACTOR
from tests.support.builders import objective
from tests.support.exercises import (
    EXERCISE,
    RESULTS,
    moscow_with_deadline,
    open_,
    stakeholders,
    vote,
)
from tests.support.servers import ServerProcess
from tests.support.waiting import wait_until

HISTORY = """query($id: ID!) { exercise(id: $id) { status autoClose
  history { action actor reason } } }"""


@pytest.fixture
def second_server(database_url: str, server: ServerProcess) -> Iterator[ServerProcess]:
    """Another API process on the same database (as behind a load balancer), checking for due
    exercises more often than the first, so that both try."""
    proc = ServerProcess(database_url, projections=False, env={"OKRANK_AUTO_CLOSE_SECONDS": "0.3"})
    yield proc
    proc.stop()


def test_an_exercise_with_auto_close_closes_once_at_its_deadline(
    gql: Any, client_factory: Any, second_server: ServerProcess
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    ex, items = moscow_with_deadline(gql, soon, autoClose=True)
    voter = stakeholders(gql, client_factory, ex, {"early": None})["early"]
    open_(gql, ex)
    vote(voter, ex, votes=[{"backlogItemId": items[0]["id"], "category": "MUST"}])  # maybe late

    def closed() -> dict | None:
        seen = gql.execute(HISTORY, {"id": ex["id"]})["exercise"]
        return seen if seen["status"] == "CLOSED" else None

    seen = wait_until(closed, timeout=30, what="the exercise closed by itself")
    assert seen["autoClose"] is True
    closes = [h for h in seen["history"] if h["action"] == "CLOSED"]
    assert closes == [{"action": "CLOSED", "actor": AUTO_CLOSE_ACTOR, "reason": ""}]
    assert {"action": "AUTO_CLOSE_SET", "actor": gql.subject, "reason": "on"} in seen["history"]
    assert gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"] is not None


def test_auto_close_needs_a_deadline_and_can_be_turned_off(gql: Any) -> None:
    o = objective(gql)
    refused = gql.mutate(
        "createExercise",
        {"objectiveId": o["id"], "method": "MOSCOW", "title": "no deadline", "autoClose": True},
        EXERCISE,
    )
    assert refused["__typename"] == "ValidationError" and refused["path"][-1] == "autoClose"
    later = datetime.now(UTC) + timedelta(days=3)
    ex = gql.mutate(
        "createExercise",
        {"objectiveId": o["id"], "method": "MOSCOW", "title": "t", "deadline": later.isoformat()},
        EXERCISE,
    )["exercise"]
    for on in (True, False):
        r = gql.mutate("setExerciseAutoClose", {"exerciseId": ex["id"], "autoClose": on}, EXERCISE)
        assert r["__typename"] == "ExerciseSuccess", r
        assert gql.execute(HISTORY, {"id": ex["id"]})["exercise"]["autoClose"] is on
    again = gql.mutate(
        "setExerciseAutoClose", {"exerciseId": ex["id"], "autoClose": False}, EXERCISE
    )
    assert again["__typename"] == "ConflictError"


def test_the_automatic_close_on_a_fresh_database_closes_nothing_and_logs_no_failure(
    make_database: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Before the projections have created the exercises table (a new deployment, or an API
    process started before `okrank project`) there is nothing due: not a failure every round."""
    url = make_database()

    async def run() -> int:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            return await AutoCloser(None, pool, 1.0).close_due()  # type: ignore[arg-type]
        finally:
            await pool.close()

    with caplog.at_level(logging.WARNING):
        assert asyncio.run(run()) == 0
    assert not [r for r in caplog.records if r.name.startswith("okrank")]
