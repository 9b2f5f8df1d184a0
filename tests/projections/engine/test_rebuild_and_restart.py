"""Projections are exactly-once: a restart neither skips nor repeats an event, and a rebuild from
the event store gives exactly the rows the live projections gave."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from okrank.domain.application import Actor
from okrank.domain.rankings.scoring import Multipliers
from okrank.projections.engine.runner import Projections, rebuild
from tests.support.read_models import rebuild_command, running_projections, snapshot, wait_caught_up
from tests.support.waiting import wait_until
from tests.support.workloads import workload

LEAD_SECONDS = 30  # a loaded machine starts a worker slowly; the wait ends at the signal


def test_restarted_projections_neither_skip_nor_repeat(app_and_url):
    app, url = app_and_url
    actor = Actor("ws", "alice")
    projections = Projections(url)
    projections.start()
    workload(app, actor, 12)
    # Stop while events keep arriving, write more while stopped, then restart.
    projections.stop()
    workload(app, actor, 12, offset=100)
    app.recalibrate_multipliers(actor, Multipliers(3, 1, 0.25), "sharper")
    with running_projections(url):
        wait_caught_up(url)
    live = snapshot(url)
    assert len(live["backlog_items"]) == 24
    # Per workload of 12: 12 tagged, 4 retagged (k % 3), 3 untagged + 3 justified (k % 5).
    assert len(live["tag_events"]) == 2 * (12 + 4 + 3 + 3)
    # Two closed MaxDiff exercises: results overall and for two segments, 4 candidates each.
    assert len(live["exercise_results"]) == 2 * 3 * 4
    assert any(row[11] == "EXERCISE_CLOSED" for row in live["ranking_changes"])
    # Per workload: 4 readings, 2 briefing versions, 2 themes (tests.support.strategy_workload).
    assert len(live["health_readings"]) == 2 * 4 and len(live["mission_briefing_versions"]) == 4
    assert len(live["themes"]) == 4 and len(live["theme_moves"]) == 2
    rebuild(url)
    assert snapshot(url) == live


def test_rebuild_command_reproduces_live_rows(app_and_url):
    app, url = app_and_url
    with running_projections(url):
        workload(app, Actor("ws", "bob"), 15)
        wait_caught_up(url)
    live = snapshot(url)
    assert sorted(r[-1] for r in live["sprint_items"]) == ["CARRIED_OVER", "DONE"]  # sprints too
    assert live["coverage_classes"] and live["coverage_objectives"]  # and coverage tallies
    result = rebuild_command(url)
    assert result.returncode == 0, result.stderr
    assert "rebuilt read models from" in result.stdout
    assert "rebuilding read models" in result.stderr  # the progress bar
    assert snapshot(url) == live


def test_rebuild_refuses_while_a_projection_runs(app_and_url):
    _, url = app_and_url
    with running_projections(url) as projections:
        for worker in projections.workers:
            assert worker.leading.wait(LEAD_SECONDS), f"{worker.view.view_name} did not lead"
        with pytest.raises(RuntimeError, match="running in another process"):
            rebuild(url)


def database_now(url: str) -> Any:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT clock_timestamp()").fetchone()[0]


def lock_tries_since(url: str, since: Any) -> int:
    """Connections opened after `since` whose last statement, finished, was a projection
    worker's try for its view's lock (a worker that got it moves on to other statements)."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_start > %s AND state = 'idle'"
            " AND query LIKE 'SELECT pg_try_advisory_lock(%%'",
            (since,),
        ).fetchone()[0]


def test_a_standby_takes_over_when_the_leader_stops(app_and_url):
    app, url = app_and_url
    leader, standby = Projections(url), Projections(url)
    leader.start()
    for worker in leader.workers:
        assert worker.leading.wait(LEAD_SECONDS), f"{worker.view.view_name} did not lead"
    since = database_now(url)
    standby.start()
    try:
        wait_until(
            lambda: lock_tries_since(url, since) >= len(standby.workers),
            what="each standby worker to have tried its view's lock",
        )
        assert not any(w.leading.is_set() for w in standby.workers)
        leader.stop()
        for worker in standby.workers:
            assert worker.leading.wait(LEAD_SECONDS), f"{worker.view.view_name} did not lead"
        workload(app, Actor("ws", "carol"), 3)
        wait_caught_up(url)
    finally:
        standby.stop()
        leader.stop()
