"""Projections are exactly-once: a restart neither skips nor repeats an event, and a rebuild from
the event store gives exactly the rows the live projections gave."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any
from uuid import UUID

import psycopg
import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.projections.engine.runner import VIEWS, Projections, event_store_env, rebuild
from tests.conftest import ROOT

TABLES = {
    "workspaces": "id",
    "objectives": "id",
    "key_results": "id",
    "backlog_items": "id",
    "item_tags": "item_id, objective_id",
    "ranking_entries": "workspace, scope, method, item_id",
    "tag_events": "position",
    "ranking_changes": "position, ordinal",
    "exercises": "id",
    "exercise_candidates": "exercise_id, item_id",
    "exercise_participants": "exercise_id, subject",
    "exercise_history": "position",
    "exercise_results": "exercise_id, segment, item_id",
    "exercise_groups": "exercise_id, segment",
    "exercise_respondents": "exercise_id, respondent",
}


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as conn:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall()
            for t, key in TABLES.items()
        }


def tracked(conn: psycopg.Connection, view_name: str) -> tuple[int] | None:
    """A view's tracking row, or None before the view's tables exist."""
    try:
        return conn.execute(
            f"SELECT notification_id FROM {view_name}_tracking WHERE application_name = 'okrank'"
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None


def wait_caught_up(url: str, timeout: float = 20) -> None:
    """Until each view has processed the last event of the types it handles."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            behind = 0
            for _, view in VIEWS:
                target = conn.execute(
                    "SELECT max(notification_id) FROM okrank_events WHERE topic = ANY(%s)",
                    (list(view.topics()),),
                ).fetchone()
                done = tracked(conn, view.view_name)
                behind += (target[0] or 0) > (done[0] if done else 0)
            if not behind:
                return
            time.sleep(0.05)
    raise AssertionError("projections did not catch up")


def workload(app: OkrankApplication, actor: Actor, n: int, offset: int = 0) -> None:
    objectives = []
    for k in range(2):
        o = app.create_objective(actor, "2026-Q3", f"objective {offset + k}").aggregate_id
        app.add_key_result(actor, o, "metric", 0, 10)
        app.activate_objective(actor, o)
        objectives.append(o)
    still_tagged: list[UUID] = []
    for k in range(n):
        i = app.create_backlog_item(actor, f"item {offset + k}").aggregate_id
        if k % 2 == 1 and k % 5 != 0:
            still_tagged.append(i)
        app.score_backlog_item(actor, i, RiceInputs(k + 1, 1, 0.5, 2), WsjfInputs(1, 2, 3, 5))
        app.tag_backlog_item(actor, i, objectives[k % 2], Tier.DIRECT, "r")
        if k % 3 == 0:
            app.retag_backlog_item(actor, i, objectives[k % 2], Tier.INDIRECT, "weaker")
        if k % 5 == 0:
            app.untag_backlog_item(actor, i, objectives[k % 2], "moved")
            app.justify_non_strategic(actor, i, "compliance")
    if len(still_tagged) >= 4:
        maxdiff_exercise(app, actor, objectives[1], still_tagged)
    app.close_objective(actor, objectives[0])


def maxdiff_exercise(app: OkrankApplication, actor: Actor, objective: UUID, items: list) -> None:
    """A MaxDiff exercise with ballots from two segments, re-scoped while open, then closed."""
    ex = app.create_exercise(actor, objective, "MAXDIFF", "what first").aggregate_id
    for i in items[:-1]:
        app.add_exercise_candidate(actor, ex, i)
    for subject, segment in (("p1", "Sales"), ("p2", "Support"), ("p3", "Sales")):
        app.invite_participant(actor, ex, subject, segment)
    app.open_exercise(actor, ex)
    app.add_exercise_candidate(actor, ex, items[-1], reason="late insight")
    exercise = app.repository.get(ex)
    for subject in exercise.designs:
        sets = exercise.sets_of(subject)
        answers = [MaxDiffAnswer(n, s[0], s[-1]) for n, s in enumerate(sets)]
        app.submit_ballot(Actor(actor.workspace, subject), ex, BallotInput(answers=answers))
    app.withdraw_exercise_candidate(actor, ex, items[0], "out of scope after all")
    app.close_exercise(actor, ex)


@pytest.fixture
def app_and_url(make_database: Any):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    yield app, url
    app.close()


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
    projections = Projections(url)
    projections.start()
    try:
        wait_caught_up(url)
    finally:
        projections.stop()
    live = snapshot(url)
    assert len(live["backlog_items"]) == 24
    # Per workload of 12: 12 tagged, 4 retagged (k % 3), 3 untagged + 3 justified (k % 5).
    assert len(live["tag_events"]) == 2 * (12 + 4 + 3 + 3)
    # Two closed MaxDiff exercises: results overall and for two segments, 4 candidates each.
    assert len(live["exercise_results"]) == 2 * 3 * 4
    assert any(row[11] == "EXERCISE_CLOSED" for row in live["ranking_changes"])
    rebuild(url)
    assert snapshot(url) == live


def test_rebuild_command_reproduces_live_rows(app_and_url):
    app, url = app_and_url
    projections = Projections(url)
    projections.start()
    try:
        workload(app, Actor("ws", "bob"), 15)
        wait_caught_up(url)
    finally:
        projections.stop()
    live = snapshot(url)
    result = subprocess.run(
        [sys.executable, "-m", "okrank.api.cli", "rebuild"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "rebuilt read models from" in result.stdout
    assert "rebuilding read models" in result.stderr  # the progress bar
    assert snapshot(url) == live


def test_rebuild_refuses_while_a_projection_runs(app_and_url):
    _, url = app_and_url
    projections = Projections(url)
    projections.start()
    try:
        for worker in projections.workers:
            assert worker.leading.wait(10)
        with pytest.raises(RuntimeError, match="running in another process"):
            rebuild(url)
    finally:
        projections.stop()


def test_a_standby_takes_over_when_the_leader_stops(app_and_url):
    app, url = app_and_url
    leader, standby = Projections(url), Projections(url)
    leader.start()
    for worker in leader.workers:
        assert worker.leading.wait(10)
    standby.start()
    try:
        time.sleep(0.5)
        assert not any(w.leading.is_set() for w in standby.workers)
        leader.stop()
        for worker in standby.workers:
            assert worker.leading.wait(10)
        workload(app, Actor("ws", "carol"), 3)
        wait_caught_up(url)
    finally:
        standby.stop()
        leader.stop()
