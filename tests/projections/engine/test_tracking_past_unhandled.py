"""A view's tracking position moves past the events it does not handle, so its poll for new
events reads only what arrived since the last one (issue 16: a tag-history view left at its last
tag event re-scanned every score event stored since, on every poll)."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    Notification,
    Tracking,
)
from eventsourcing.projection import ProjectionRunner

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.rankings.scoring import RiceInputs, Tier
from okrank.projections.engine import view as view_module
from okrank.projections.engine.poison import PoisonEventError
from okrank.projections.engine.runner import VIEWS, Projections, event_store_env
from okrank.projections.engine.view import (
    PROGRESS_CHANNEL,
    UNHANDLED_QUIET_SECONDS,
    Unhandled,
    decode,
)
from okrank.projections.history.tag_history import TagHistoryProjection, TagHistoryView
from tests.support.read_models import tracked

UNRELATED = 2000  # score events: the catalog's, none of the tag-history view's


def head(conn: psycopg.Connection[Any]) -> int:
    return conn.execute("SELECT max(notification_id) FROM okrank_events").fetchone()[0]


def wait_tracked(url: str, position: int, timeout: float = 60) -> None:
    """Until every view's recorded position has reached `position`."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            done = [tracked(conn, v.view_name) for _, v in VIEWS]
            if all(d is not None and d[0] >= position for d in done):
                return
            time.sleep(0.05)
    raise AssertionError(f"views did not reach {position}: {done}")


def poll_plan(conn: psycopg.Connection[Any], after: int) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the tag-history subscription's query (the library's statement, with
    the projection's topic filter if it had one) from `after`: its scan node."""
    topics = list(TagHistoryProjection.topics)
    where = " AND topic = ANY(%s)" if topics else ""
    params: tuple[Any, ...] = (after, topics) if topics else (after,)
    plan = conn.execute(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM okrank_events"
        f" WHERE notification_id > %s{where} ORDER BY notification_id LIMIT 500",
        params,
    ).fetchone()[0][0]["Plan"]
    while "Plans" in plan:  # Limit → the scan of okrank_events
        plan = plan["Plans"][0]
    return plan


def score_many(app: OkrankApplication, item_ids: list[Any], events: int) -> None:
    """`events` RiceScored events, saved in batches straight through the aggregates."""
    for start in range(0, events, len(item_ids)):
        items = [app.repository.get(i) for i in item_ids[: events - start]]
        for n, item in enumerate(items):
            assert isinstance(item, BacklogItem)
            item.score(RiceInputs(start + n + 1, 1, 0.5, 2), None, "scorer")
        app.save(*items)


def test_after_unrelated_events_the_tag_view_is_at_the_head_and_polls_only_new_rows(
    make_database,
):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    projections: Projections | None = None
    try:
        actor = Actor("ws", "tessa")
        o = app.create_objective(actor, "2026-Q3", "grow").aggregate_id
        app.add_key_result(actor, o, "metric", 0, 10)
        app.activate_objective(actor, o)
        items = [app.create_backlog_item(actor, f"item {k}").aggregate_id for k in range(200)]
        app.tag_backlog_item(actor, items[0], o, Tier.DIRECT, "first")
        with psycopg.connect(url, autocommit=True) as conn:
            last_tag = head(conn)
            score_many(app, items, UNRELATED)
            assert head(conn) == last_tag + UNRELATED

            projections = Projections(url)
            projections.start()
            wait_tracked(url, last_tag + UNRELATED)
            assert tracked(conn, "tag_history") == (last_tag + UNRELATED,)
            # Its next poll starts at the head: it reads no row, where from its last tag event
            # it would have walked past every score event.
            assert poll_plan(conn, tracked(conn, "tag_history")[0])["Actual Rows"] == 0

            # One more unrelated event: the view moves past it, and its poll read just that row.
            before = tracked(conn, "tag_history")[0]
            score_many(app, items[:1], 1)
            wait_tracked(url, before + 1)
            scan = poll_plan(conn, before)
            assert scan["Actual Rows"] == 1
            assert scan.get("Rows Removed by Filter", 0) == 0

            # Restart-safe and exactly once: a new worker resumes from the recorded position;
            # a tag after the restart is recorded once, and so is the one before it.
            projections.stop()
            projections = Projections(url)
            projections.start()
            app.tag_backlog_item(actor, items[1], o, Tier.INDIRECT, "second")
            wait_tracked(url, head(conn))
            tags = conn.execute("SELECT item_id FROM tag_events ORDER BY position").fetchall()
            assert [t[0] for t in tags] == [items[0], items[1]]
    finally:
        if projections is not None:
            projections.stop()
        app.close()


def test_an_unhandled_event_is_not_decoded_and_a_handled_one_is():
    """A view never decodes what it does not handle: an undecodable event of another view's
    topic only moves its position; the same bytes under one of its topics are poison."""
    app = OkrankApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    handled = frozenset(TagHistoryView.topics())
    score_topic = "domain.backlog_item:BacklogItem.RiceScored"
    assert score_topic not in handled
    garbage = Notification(
        id=7, originator_id="x", originator_version=1, topic=score_topic, state=b"\xff"
    )
    event, tracking = decode(app, garbage, "tag_history", handled)
    assert event == Unhandled(score_topic)
    assert tracking.notification_id == 7
    tag_topic = next(iter(handled))
    poisoned = Notification(
        id=8, originator_id="x", originator_version=1, topic=tag_topic, state=b"\xff"
    )
    with pytest.raises(PoisonEventError):
        decode(app, poisoned, "tag_history", handled)


def test_a_position_past_unhandled_events_is_recorded_once_a_second_and_when_the_log_is_quiet(
    make_database, monkeypatch
):
    """Exactly once without handled events too, and not a transaction per write: the first
    such position is recorded and notified at once; later ones within UNHANDLED_RECORD_SECONDS
    are held (the table keeps the earlier one) until the log is quiet (an empty batch) or the
    time has passed; a position at or before the recorded one is refused and changes
    nothing."""
    url = make_database()
    env = ProjectionRunner._construct_env(TagHistoryProjection.name, event_store_env(url))
    view = InfrastructureFactory.construct(env=env).tracking_recorder(TagHistoryView)

    def skip(*positions: int) -> None:
        view.apply([(Unhandled("x"), Tracking("okrank", p)) for p in positions])

    try:
        view.create_table()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"LISTEN {PROGRESS_CHANNEL}")
            skip(4, 5)
            assert tracked(conn, "tag_history") == (5,)
            assert view.quiet_wait() is None  # nothing held: wait for events as long as it takes
            skip(9)
            skip(12)
            assert tracked(conn, "tag_history") == (5,)  # held, not recorded
            assert view.quiet_wait() == UNHANDLED_QUIET_SECONDS
            for stale in (5, 3):
                with pytest.raises(IntegrityError):
                    skip(stale)
                assert tracked(conn, "tag_history") == (5,)
            view.apply([])  # the log was quiet: the held position is recorded
            assert tracked(conn, "tag_history") == (12,)
            assert view.quiet_wait() is None
            monkeypatch.setattr(view_module, "UNHANDLED_RECORD_SECONDS", 0.0)
            skip(20)  # due at once: recorded without waiting for the log to be quiet
            assert tracked(conn, "tag_history") == (20,)
            notified = [n.payload for n in conn.notifies(timeout=5, stop_after=3)]
            assert notified == ["tag_history:5", "tag_history:12", "tag_history:20"]
    finally:
        view.datastore.close()
