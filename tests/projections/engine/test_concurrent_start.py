"""Processes started together on a fresh database (`okrank serve --workers 2`, an API beside
`okrank project`) all create okrank's tables: they take turns (projections.engine.schema_lock),
so none fails on PostgreSQL's racing `CREATE … IF NOT EXISTS`."""

from __future__ import annotations

import threading
from typing import Any

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.projection import ProjectionRunner

from okrank.domain.application import Actor, OkrankApplication
from okrank.projections.engine.runner import VIEWS, WORKER_POOL, event_store_env
from okrank.projections.engine.schema_lock import CreatesTablesInTurn

STARTERS = 3  # x 5 pools of 1 connection: within max_connections beside other tests


def start_like_a_process(url: str) -> list[Any]:
    """What one process creates at start: the event store and every view's tables."""
    small = {**event_store_env(url), **WORKER_POOL}
    app = OkrankApplication(env=small)
    started: list[Any] = [app]
    for projection, view_class in VIEWS:
        env = ProjectionRunner._construct_env(projection.name, small)
        view = InfrastructureFactory.construct(env=env).tracking_recorder(view_class)
        view.create_table()
        started.append(view)
    return started


def close(started: list[Any]) -> None:
    started[0].close()
    for view in started[1:]:
        view.datastore.close()


def test_processes_starting_together_on_a_fresh_database_all_create_the_schema(make_database):
    url = make_database()
    barrier = threading.Barrier(STARTERS)
    failures: list[BaseException] = []
    started: list[list[Any]] = []

    def start() -> None:
        barrier.wait(30)
        try:
            started.append(start_like_a_process(url))
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(STARTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert not [repr(f) for f in failures]
        assert len(started) == STARTERS
        first, last = started[0][0], started[-1][0]
        actor = Actor("ws", "po")
        item = first.create_backlog_item(actor, "one store").aggregate_id
        assert [type(e).__name__ for e in last.repository.event_store.get(item)] == ["Created"]
    finally:
        for things in started:
            close(things)


def test_every_recorder_okrank_creates_takes_its_turn(make_database):
    """The race above is a matter of timing; this is not: the event store's, the snapshot
    store's and every view's recorder create their tables under the schema lock."""
    started = start_like_a_process(make_database())
    app = started[0]
    try:
        assert app.snapshots is not None
        recorders = [app.recorder, app.snapshots.recorder, *started[1:]]
        assert all(isinstance(r, CreatesTablesInTurn) for r in recorders), recorders
    finally:
        close(started)
