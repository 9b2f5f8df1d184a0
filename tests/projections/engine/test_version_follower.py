"""Two applications on one event store, as two API processes are, the second following the
log's versions (projections.engine.version_follower): a command on an aggregate the first moved
past its cache starts from the store's state and saves once, also after the follower's
connection was lost."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import ScoreBacklogItem
from okrank.domain.rankings.scoring import RiceInputs
from okrank.projections.engine.runner import event_store_env
from okrank.projections.engine.version_follower import APPLICATION_NAME, VersionFollower
from tests.support.save_attempts import save_attempts
from tests.support.waiting import wait_until

ACTOR = Actor("ws", "po")


@pytest.fixture
def two_following(make_database: Any):
    url = make_database()
    first, second = (OkrankApplication(env=event_store_env(url)) for _ in range(2))
    follower = VersionFollower(second.recorder, second.mark_behind)
    follower.start()
    yield first, second, follower, url
    follower.stop()
    first.close()
    second.close()


def score(app: OkrankApplication, item: Any, reach: int) -> int:
    return app.execute(ACTOR, ScoreBacklogItem(item, RiceInputs(reach, 1, 1, 1))).version


def moved_past_the_second_cache(first: OkrankApplication, second: OkrankApplication) -> Any:
    """An item the second application caches, which the first then changes."""
    item = first.create_backlog_item(ACTOR, "item").aggregate_id
    score(second, item, 1)  # cached in the second as it saved it
    version = score(first, item, 2)
    wait_until(lambda: second.repository.is_behind(item), what="the follower saw it")
    assert version == 3
    return item


def test_a_command_on_an_aggregate_another_process_moved_past_the_cache_saves_once(
    two_following,
):
    first, second, follower, _ = two_following
    item = moved_past_the_second_cache(first, second)
    attempts = save_attempts(second)
    assert score(second, item, 3) == 4
    assert attempts == [4]  # no conflict, no second save
    reaches = [getattr(e, "reach", None) for e in second.repository.event_store.get(item)]
    assert reaches == [None, 1, 2, 3]
    assert follower.position == first.recorder.max_notification_id()


def test_the_follower_reads_on_after_its_connection_is_lost(two_following):
    first, second, _, url = two_following
    moved_past_the_second_cache(first, second)
    with psycopg.connect(url, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            (APPLICATION_NAME,),
        ).fetchall()
    assert ended == [(True,)]
    item = moved_past_the_second_cache(first, second)  # seen through a new connection
    attempts = save_attempts(second)
    score(second, item, 3)
    assert len(attempts) == 1


def test_stopping_ends_the_follower(make_database: Any):
    app = OkrankApplication(env=event_store_env(make_database()))
    follower = VersionFollower(app.recorder, app.mark_behind)
    follower.start()
    follower.stop()
    assert follower._thread is not None and not follower._thread.is_alive()
    app.close()
