"""One pull of the event log per process feeds every view (projections.engine.shared_log): each
reader still gets every notification after its own position once and in order, whether it keeps
up with the shared pull or not."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.projections.engine import shared_log
from okrank.projections.engine.runner import event_store_env
from okrank.projections.engine.shared_log import LogReader, SharedLog
from tests.support.read_models import running_projections, tracked
from tests.support.stored_rows import stored_rows

LISTENING = (  # connections of this database LISTENing for new events
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND query = 'LISTEN \"okrank_events\"'"
)


def stored_after(url: str, gt: int) -> list[int]:
    query = "SELECT notification_id FROM okrank_events WHERE notification_id > %s ORDER BY 1"
    return [r[0] for r in stored_rows(url, query, (gt,))]


def take(reader: LogReader, count: int, timeout: float = 30) -> list[int]:
    """The ids of the reader's next `count` notifications (next() blocks: a thread waits)."""
    got: list[int] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            while len(got) < count:
                got.append(next(reader).id)
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if failed:
        raise failed[0]
    assert len(got) == count, f"only {len(got)} of {count} notifications in {timeout} s"
    return got


def create_items(app: OkrankApplication, count: int) -> None:
    actor = Actor("ws", "tessa")
    for k in range(count):
        app.create_backlog_item(actor, f"item {k}")


@pytest.fixture
def app_url(make_database: Any) -> Any:
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    yield app, url
    app.close()


def test_readers_behind_ahead_and_overflowing_each_get_every_notification_once_in_order(
    app_url: Any, monkeypatch: pytest.MonkeyPatch
):
    app, url = app_url
    monkeypatch.setattr(shared_log, "PAGE", 3)  # many pages, each a few notifications
    monkeypatch.setattr(shared_log, "READER_PAGES", 1)  # a reader that does not read drops
    create_items(app, 5)
    busy = SharedLog.reader(app.recorder, 0)  # reads nothing for a while: its queue is full
    keeping_up = SharedLog.reader(app.recorder, 2)  # starts ahead of the shared pull
    try:
        assert take(keeping_up, 3) == stored_after(url, 2)
        # Once the reader keeping up has them, `busy` was offered every page too: it holds the
        # first, later ones were dropped; it reads that one, and a page queued after the gap
        # comes next.
        assert take(busy, 3) == stored_after(url, 0)[:3]
        create_items(app, 40)
        expected = stored_after(url, 2)
        assert take(keeping_up, len(expected) - 3) == expected[3:]
        late = SharedLog.reader(app.recorder, 1)  # behind what the shared pull has read
        try:
            assert take(late, len(stored_after(url, 1))) == stored_after(url, 1)
        finally:
            late.stop()
        assert take(busy, len(stored_after(url, 3))) == stored_after(url, 3)
        # And live again: one more event reaches both, once.
        create_items(app, 1)
        newest = stored_after(url, 0)[-1]
        assert take(busy, 1) == [newest]
        assert take(keeping_up, 1) == [newest]
    finally:
        busy.stop()
        keeping_up.stop()


def test_the_views_of_a_process_listen_once_and_the_last_one_out_stops_the_pull(app_url: Any):
    app, url = app_url
    create_items(app, 3)
    dbname = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with running_projections(url) as projections, psycopg.connect(url, autocommit=True) as conn:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(
            w.leading.is_set() for w in projections.workers
        ):
            time.sleep(0.05)
        assert all(w.leading.is_set() for w in projections.workers)
        head = conn.execute("SELECT max(notification_id) FROM okrank_events").fetchone()[0]
        while time.monotonic() < deadline and not all(
            (tracked(conn, w.view.view_name) or (0,))[0] >= head for w in projections.workers
        ):
            time.sleep(0.05)
        # Every view's runner is reading: four views, one shared pull with four readers
        # and one LISTEN (the library's subscription LISTENs and pulls once per view).
        assert len(projections.workers) == 4
        shared = [log for key, log in SharedLog._running.items() if dbname in key]
        assert len(shared) == 1 and len(shared[0]._readers) == 4
        assert conn.execute(LISTENING).fetchone()[0] == 1
    # No reader left: no pull thread, no connection (other tests' databases may have theirs).
    assert not [key for key in SharedLog._running if dbname in key]
    with psycopg.connect(url, autocommit=True) as conn:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and conn.execute(LISTENING).fetchone()[0]:
            time.sleep(0.05)
        assert conn.execute(LISTENING).fetchone()[0] == 0


def test_a_lost_listen_connection_ends_the_readers_and_a_new_reader_starts_afresh(app_url: Any):
    app, url = app_url
    create_items(app, 2)
    reader = SharedLog.reader(app.recorder, 0)
    try:
        assert take(reader, 2) == stored_after(url, 0)
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and conn.execute(LISTENING).fetchone()[0] == 0:
                time.sleep(0.05)
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query = 'LISTEN \"okrank_events\"'"
            )
        with pytest.raises(Exception):  # noqa: B017 (the driver's error for a closed connection)
            take(reader, 1)
    finally:
        reader.stop()
    create_items(app, 1)
    again = SharedLog.reader(app.recorder, 2)
    try:
        assert take(again, 1) == stored_after(url, 2)
    finally:
        again.stop()
