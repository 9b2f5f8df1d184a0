"""A poison event (one a view can never apply) stops that view at exactly that event, loudly
and once, without spinning; the view resumes by itself once the event applies; a rebuild that
meets one leaves the read models as they were; events stored with NUL are read with U+FFFD."""

from __future__ import annotations

from typing import Any

import psycopg

from okrank.domain.application import Actor, OkrankApplication
from okrank.projections.engine.runner import event_store_env, rebuild
from tests.support.poison_events import (
    nul_title,
    out_of_range_score,
    repair_score,
    status_row,
    wait_for,
)
from tests.support.read_models import (
    rebuild_command,
    running_projections,
    snapshot,
    tracked,
    wait_caught_up,
)
from tests.support.workloads import workload

ACTOR = Actor("ws", "alice")


def titles(url: str) -> dict[Any, str]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT id, title FROM backlog_items").fetchall())


def test_an_old_stored_event_with_a_nul_title_is_read_and_projected_with_u_fffd(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        item = app.create_backlog_item(ACTOR, "fine").aggregate_id
        position = nul_title(app, item)  # as code without input validation stored it
    finally:
        app.close()
    with psycopg.connect(url) as conn:
        (state,) = conn.execute(
            "SELECT state FROM okrank_events WHERE notification_id = %s", (position,)
        ).fetchone()
    assert b'"evil\\u0000title"' in bytes(state)  # the stored bytes are not rewritten
    reader = OkrankApplication(env=event_store_env(url))  # no cache: decodes the stored event
    try:
        assert reader.repository.get(item).title == "evil\ufffdtitle"
    finally:
        reader.close()
    with running_projections(url):
        wait_caught_up(url)
    assert titles(url) == {item: "evil\ufffdtitle"}
    assert status_row(url, "catalog") is None


def test_a_poison_event_stops_its_view_after_the_events_before_it_and_resumes_once_repaired(
    make_database,
):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        a = app.create_backlog_item(ACTOR, "a").aggregate_id
        b = app.create_backlog_item(ACTOR, "b").aggregate_id
        poison = out_of_range_score(app, a)
        c = app.create_backlog_item(ACTOR, "c").aggregate_id
    finally:
        app.close()
    # Written before the projections start: the catalog gets all four events in one batch.
    with running_projections(url, recheck_seconds=0.05):
        stopped = wait_for(lambda: status_row(url, "catalog"), "the catalog to stop")
        position, topic, reason, _ = stopped
        assert position == poison
        assert topic.endswith("BacklogItem.WsjfScored")
        assert reason.startswith("NumericValueOutOfRange (SQLSTATE 22003)")
        assert str(10**20) not in reason  # no row data
        # It re-checks the event (counted), without getting past it.
        wait_for(lambda: status_row(url, "catalog")[3] >= 3, "re-checks")
        with psycopg.connect(url) as conn:
            assert tracked(conn, "catalog") == (poison - 1,)
        assert set(titles(url)) == {a, b}  # the events before the poison were applied
        assert status_row(url, "tag_history") is None  # a view without the event runs on
        repair_score(url, poison)
        wait_for(lambda: status_row(url, "catalog") is None, "the catalog to resume")
        wait_caught_up(url)
    assert set(titles(url)) == {a, b, c}


def test_a_failed_rebuild_leaves_the_read_models_and_tracking_as_they_were(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        with running_projections(url):
            workload(app, ACTOR, 8)
            wait_caught_up(url)
        item = app.create_backlog_item(ACTOR, "late").aggregate_id
        poison = out_of_range_score(app, item)
    finally:
        app.close()
    before = snapshot(url)
    with psycopg.connect(url) as conn:
        tracking = [tracked(conn, v) for v in ("catalog", "tag_history")]
    result = rebuild_command(url)
    assert result.returncode != 0
    assert f"cannot apply event {poison}" in result.stderr
    assert "the read models were left as they were" in result.stderr
    assert snapshot(url) == before
    with psycopg.connect(url) as conn:
        assert [tracked(conn, v) for v in ("catalog", "tag_history")] == tracking
        assert not conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = 'okrank_rebuild'"
        ).fetchone()


def test_an_event_that_cannot_be_decoded_stops_every_view_at_it_until_a_rebuild(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        a = app.create_backlog_item(ACTOR, "a").aggregate_id
        b_result = app.create_backlog_item(ACTOR, "b")
        app.create_backlog_item(ACTOR, "c")
    finally:
        app.close()
    bad = b_result.position
    with psycopg.connect(url) as conn:
        (state,) = conn.execute(
            "SELECT state FROM okrank_events WHERE notification_id = %s", (bad,)
        ).fetchone()
        conn.execute(
            "UPDATE okrank_events SET state = %s WHERE notification_id = %s", (b"{not json", bad)
        )
    with running_projections(url, recheck_seconds=0.05):
        for view in ("catalog", "tag_history"):
            position, topic, reason, _ = wait_for(lambda v=view: status_row(url, v), view)
            assert (position, reason) == (bad, "MapperDeserialisationError")
            assert topic.endswith("BacklogItem.Created")
        assert set(titles(url)) == {a}  # the event before it was applied
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE okrank_events SET state = %s WHERE notification_id = %s", (state, bad))
    rebuild(url)  # a successful rebuild clears the stops
    assert status_row(url, "catalog") is None and status_row(url, "tag_history") is None
    assert len(titles(url)) == 3
