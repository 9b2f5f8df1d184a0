"""The event store takes large saves (an exercise opening for hundreds of participants) without
hanging, and keeps its version check on that path."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.exercises.exercise import Exercise
from okrank.domain.rankings.scoring import Tier
from okrank.projections.engine.event_store import PIPELINE_LIMIT_BYTES
from okrank.projections.engine.runner import event_store_env


@pytest.fixture
def app(make_database: Any):
    application = OkrankApplication(env=event_store_env(make_database()))
    yield application
    application.close()


def test_opening_an_exercise_for_many_participants_saves_one_large_event(app):
    actor = Actor("ws", "po")
    o = app.create_objective(actor, "2026-Q3", "o").aggregate_id
    items = []
    for k in range(20):
        i = app.create_backlog_item(actor, f"item {k}").aggregate_id
        app.tag_backlog_item(actor, i, o, Tier.DIRECT, "r")
        items.append(i)
    ex = app.create_exercise(actor, o, "MAXDIFF", "what first").aggregate_id
    for i in items:
        app.add_exercise_candidate(actor, ex, i)
    for p in range(400):
        app.invite_participant(actor, ex, f"p{p}")
    done: dict[str, Any] = {}
    # A daemon thread: a hang fails the test instead of blocking the suite.
    saver = threading.Thread(
        target=lambda: done.setdefault("result", app.open_exercise(actor, ex)), daemon=True
    )
    saver.start()
    saver.join(60)
    assert "result" in done, "the save hung"
    result = done["result"]
    [opened] = app.recorder.select_notifications(result.position, 1)
    assert len(opened.state) > PIPELINE_LIMIT_BYTES
    app.repository.cache.clear()  # read back from the store, not the cache
    assert len(app.repository.get(ex).designs) == 400

    # Two writers of the same version: the second large save is refused, as small ones are.
    first, second = app.repository.get(ex), app.repository.get(ex)
    rows = [[f"r{n}", 1, [0, 1, 2], 0, 2, ""] for n in range(20_000)]
    big = {"items": [str(i) for i in items], "rows": rows}
    for copy in (first, second):
        assert isinstance(copy, Exercise)
        copy.import_responses(big, "", "po")
    app.save(first)
    with pytest.raises(IntegrityError):
        app.save(second)
