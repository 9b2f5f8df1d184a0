"""Live batches: several events in one transaction track exactly once and write the same rows and
the same ranking-change outbox as one transaction per event."""

from __future__ import annotations

import random
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import ApplicationSubscription

from okrank.domain.application import Actor, OkrankApplication
from okrank.projections.engine.runner import VIEWS, event_store_env
from okrank.projections.engine.view import batches
from tests.support.live_projection import fresh_views, logged, project
from tests.support.read_models import snapshot, tracked
from tests.support.workloads import random_workload


def workload_events(url: str, subject: str, seed: int) -> list[tuple[Any, Tracking]]:
    """A random workload of `subject`'s in workspace "ws", stored: its events with their
    tracking."""
    app = OkrankApplication(env=event_store_env(url))
    try:
        random_workload(app, Actor("ws", subject), random.Random(seed))
        return logged(app)
    finally:
        app.close()


def test_batches_write_what_single_events_write(make_database):
    url = make_database()
    events = workload_events(url, "alice", 11)
    one_by_one = project(url, events, None)
    batched = project(url, events, random.Random(3))
    assert batched == one_by_one
    rows, positions = batched
    assert len(rows["ranking_changes"]) > 300
    for _, view_cls in VIEWS:
        handled = [t for e, t in events if type(e) in view_cls.handlers]
        assert positions[view_cls.view_name] == (handled[-1].notification_id,)


def test_a_batch_already_tracked_is_refused_whole(make_database):
    """Exactly once: replaying a batch whose position is recorded changes nothing."""
    url = make_database()
    events = workload_events(url, "bob", 5)
    views = fresh_views(url)
    try:
        catalog = views[0]
        wanted = [(e, t) for e, t in events if type(e) in catalog.handlers]
        catalog.apply(wanted[:60])
        before = snapshot(url)
        for replay in (wanted[40:60], wanted[30:50]):  # ends at, or before, the recorded one
            with pytest.raises(IntegrityError):
                catalog.apply(replay)
            assert snapshot(url) == before
        catalog.apply(wanted[60:80])
        with psycopg.connect(url) as conn:
            assert tracked(conn, "catalog") == (wanted[79][1].notification_id,)
    finally:
        for view in views:
            view.datastore.close()


def test_the_runner_drains_what_the_subscription_fetched(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        random_workload(app, Actor("ws", "carol"), random.Random(2))
        last = app.recorder.max_notification_id()
        with ApplicationSubscription(app, gt=0) as subscription:
            seen: list[int] = []
            count = 0
            for batch in batches(subscription, limit=1000):
                count += 1
                seen.extend(t.notification_id for _, t in batch)
                if seen[-1] == last:
                    break
            assert seen == list(range(1, last + 1))  # in order, none skipped or repeated
            assert count < len(seen)  # what was fetched together came as one batch
    finally:
        app.close()
