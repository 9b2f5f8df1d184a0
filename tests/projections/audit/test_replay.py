"""Investigation replay: `okrank audit replay --until T --schema NAME` leaves the live read
models as they are and fills NAME with the read models exactly as they stood at T (what the
live projections, equal to a rebuild, showed once every event up to T was projected)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from okrank.domain.application import Actor
from okrank.projections.audit.replay import ReplayRefused, replay
from okrank.projections.engine.rebuild import REBUILT_VIEWS
from tests.support.audit_chain import okrank_audit
from tests.support.read_models import running_projections, snapshot, wait_caught_up
from tests.support.workloads import workload

# Logs of what was published (the outboxes), not read models: a replay does not hold them.
OUTBOX = frozenset().union(*(view.kept_on_rebuild for _, view in REBUILT_VIEWS))


def last_position(url: str) -> tuple[int, int]:
    """(events some read model handles, the last event's position): positions have gaps where
    a transaction rolled back, and some events (a team calendar's) feed no read model."""
    topics = sorted({t for _, view in REBUILT_VIEWS for t in view.topics()})
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FILTER (WHERE topic = ANY(%s)), max(notification_id)"
            " FROM okrank_events",
            (topics,),
        ).fetchone()


def test_a_replay_holds_the_read_models_as_of_then_and_leaves_the_live_ones_alone(app_and_url):
    app, url = app_and_url
    with running_projections(url):
        workload(app, Actor("ws", "alice"), 12)
        wait_caught_up(url)
        then, (then_events, then_position) = snapshot(url, without=OUTBOX), last_position(url)
        moment = datetime.now(UTC)  # every event so far was recorded before it
        workload(app, Actor("ws", "bob"), 9, offset=100)
        workload(app, Actor("other", "carol"), 5)
        wait_caught_up(url)
    live = snapshot(url)
    assert live["backlog_items"] != then["backlog_items"]  # later events changed the live ones
    result = okrank_audit(url, "replay", "--until", moment.isoformat(), "--schema", "investigation")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"replayed {then_events} events up to position {then_position} into schema"
        " investigation (SET search_path = investigation)"
    )
    assert "replaying into investigation" in result.stderr  # the progress bar
    assert snapshot(url) == live
    assert snapshot(url, "investigation", without=OUTBOX) == then
    with psycopg.connect(url) as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                ("investigation",),
            )
        }
    assert not tables & OUTBOX and "catalog_tracking" in tables


def test_a_replay_is_refused_for_a_bad_schema_a_future_time_or_before_any_event(app_and_url):
    app, url = app_and_url
    now = datetime.now(UTC)
    with pytest.raises(ReplayRefused, match="no event was recorded by"):
        replay(url, now, "early")
    workload(app, Actor("ws", "alice"), 2)
    with pytest.raises(ReplayRefused, match="is in the future"):
        replay(url, datetime.now(UTC) + timedelta(hours=1), "later")
    for name in ("public", "pg_x", "Bad-Name", "okrank_rebuild"):
        with pytest.raises(ReplayRefused, match="use a new schema name"):
            replay(url, datetime.now(UTC), name)
    replay(url, datetime.now(UTC), "first")
    with pytest.raises(ReplayRefused, match="schema 'first' exists"):
        replay(url, datetime.now(UTC), "first")
    with psycopg.connect(url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}
    assert {"early", "later"}.isdisjoint(schemas) and "first" in schemas
    refused = okrank_audit(url, "replay", "--until", "soon", "--schema", "x")
    assert refused.returncode == 2 and "is not an ISO 8601 date or time" in refused.stderr
