"""Saves that queue up behind one append commit together, each with its own positions, and a
version conflict in a group refuses only the conflicting save."""

from __future__ import annotations

import select
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from okrank.domain.application import OkrankApplication
from okrank.projections.engine.event_store import OkrankApplicationRecorder
from okrank.projections.engine.group_commit import GroupCommit
from okrank.projections.engine.runner import event_store_env
from tests.support.waiting import wait_until


@pytest.fixture
def app_url(make_database: Any):
    url = make_database()
    application = OkrankApplication(env=event_store_env(url))
    yield application, url
    application.close()


def events_of(originator: uuid.UUID, versions: Sequence[int]) -> list[StoredEvent]:
    return [StoredEvent(originator, v, "test:Event", b"{}") for v in versions]


def saved_concurrently(
    recorder: OkrankApplicationRecorder, saves: list[list[StoredEvent]]
) -> tuple[list[Any], list[int | str]]:
    """The first save holds the queue until every other save waits in it; then the others go
    as one group. Answers each save's positions (or its error) and the transactions tried: a
    save alone as 1, a group as its size, a re-checked group as "checked <size>"."""
    groups = recorder.groups
    alone, together, checked = groups.insert_alone, groups.insert_group, groups.insert_checked
    sizes: list[int | str] = []
    first = threading.Event()

    def held_alone(events: Sequence[StoredEvent]) -> Any:
        if not first.is_set():
            first.set()
            wait_until(lambda: len(groups._queue) == len(saves) - 1, what="the others queued")
        sizes.append(1)
        return alone(events)

    def counted_group(batch: Any) -> Any:
        sizes.append(len(batch))
        return together(batch)

    def counted_checked(batch: Any) -> Any:
        sizes.append(f"checked {len(batch)}")
        return checked(batch)

    groups.insert_alone, groups.insert_group = held_alone, counted_group
    groups.insert_checked = counted_checked
    outcomes: list[Any] = [None] * len(saves)

    def save(n: int) -> Callable[[], None]:
        def run() -> None:
            try:
                outcomes[n] = recorder.insert_events(saves[n])
            except Exception as exc:
                outcomes[n] = exc

        return run

    threads = [threading.Thread(target=save(0), daemon=True)]
    threads[0].start()
    first.wait(10)
    for n in range(1, len(saves)):
        threads.append(threading.Thread(target=save(n), daemon=True))
        threads[-1].start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a save hung"
    return outcomes, sizes


def log(url: str) -> list[tuple[int, uuid.UUID, int]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT notification_id, originator_id, originator_version FROM okrank_events"
            " WHERE topic = 'test:Event' ORDER BY notification_id"
        ).fetchall()


def test_saves_queued_behind_one_append_commit_in_one_transaction_with_their_own_positions(
    app_url,
):
    app, url = app_url
    originators = [uuid.uuid4() for _ in range(6)]
    saves = [events_of(o, range(1, 2 + n % 3)) for n, o in enumerate(originators)]
    outcomes, sizes = saved_concurrently(app.recorder, saves)
    assert sizes == [1, 5]
    stored = log(url)
    positions = [p for p, _, _ in stored]
    assert positions == list(range(positions[0], positions[0] + len(positions)))  # no gap
    for events, ids in zip(saves, outcomes, strict=True):
        assert [(o, v) for p, o, v in stored if p in ids] == [
            (e.originator_id, e.originator_version) for e in events
        ]
        assert list(ids) == list(range(ids[0], ids[0] + len(events)))  # a save's are together


def test_a_version_conflict_in_a_group_refuses_only_the_conflicting_saves_in_one_more_transaction(
    app_url,
):
    """One save meets a version stored before; two others of the group take the same new
    version of one aggregate (the first in queue order wins). The group is rolled back and
    re-checked once: the others commit together in queue order, each with its own positions."""
    app, url = app_url
    taken, twice = uuid.uuid4(), uuid.uuid4()
    app.recorder.insert_events(events_of(taken, [1]))
    fresh = [uuid.uuid4() for _ in range(4)]
    saves = [events_of(fresh[0], [1]), events_of(fresh[1], [1]), events_of(taken, [1])]
    saves += [events_of(twice, [1]), events_of(twice, [1, 2])]
    saves += [events_of(o, [1, 2]) for o in fresh[2:]]
    outcomes, sizes = saved_concurrently(app.recorder, saves)
    assert sizes == [1, 6, "checked 6"]  # the group failed, then one re-checked transaction
    refused = [n for n, o in enumerate(outcomes) if isinstance(o, IntegrityError)]
    assert refused == [2, 4]
    assert all(isinstance(o, list) for n, o in enumerate(outcomes) if n not in refused)
    stored = log(url)
    kept = [s for n, s in enumerate(saves) if n not in refused]
    assert sorted((o, v) for _, o, v in stored) == sorted(
        [(taken, 1)] + [(e.originator_id, e.originator_version) for s in kept for e in s]
    )
    # (the rolled-back group's positions are not reused: a gap no later commit fills)
    kept_ids = [o for n, o in enumerate(outcomes) if n not in refused]
    assert [p for ids in kept_ids for p in ids] == [p for p, _, _ in stored][1:]  # queue order
    for events, ids in zip(kept, kept_ids, strict=True):
        assert [(o, v) for p, o, v in stored if p in ids] == [
            (e.originator_id, e.originator_version) for e in events
        ]


def test_a_conflict_answered_while_the_group_is_still_sent_is_an_integrity_error_at_once(
    app_url,
):
    """Under load, PostgreSQL's answer to a conflicting INSERT can arrive while the group's
    later INSERTs are still being sent. The group then fails on its first attempt with the
    IntegrityError that sends it to the re-check, not with PipelineAborted (an
    OperationalError the retry waits 0.2 s for, up to ten times), and nothing of it is kept."""
    app, url = app_url
    recorder = app.recorder
    taken = uuid.uuid4()
    recorder.insert_events(events_of(taken, [1]))
    before = log(url)
    saves = [events_of(uuid.uuid4(), [1]), events_of(taken, [1]), events_of(uuid.uuid4(), [1])]
    sent: list[list[StoredEvent]] = []
    insert = recorder._insert_columns

    def answered_before_the_next(curs: Any, events: list[StoredEvent]) -> None:
        insert(curs, events)
        sent.append(events)
        if events is saves[1]:  # until PostgreSQL has answered it: the next INSERT reads it
            readable, _, _ = select.select([curs.connection.fileno()], [], [], 10)
            assert readable, "the conflicting INSERT was not answered"

    recorder._insert_columns = answered_before_the_next  # type: ignore[method-assign]
    with pytest.raises(IntegrityError):
        recorder._insert_group(saves)
    assert len(sent) <= len(saves)  # one attempt, no retry
    assert log(url) == before
    recorder._insert_columns = insert  # type: ignore[method-assign]
    assert len(recorder._insert_group([saves[0], saves[2]])) == 2  # the connection is fine


def test_a_group_whose_transaction_fails_otherwise_fails_every_save_of_it_and_the_queue_goes_on():
    """Nothing of a failed group committed: each of its saves answers the error, none is retried
    alone, and the next save commits by itself."""
    calls: list[str] = []
    held = threading.Event()

    def alone(events: Sequence[StoredEvent]) -> list[int]:
        calls.append("alone")
        if len(calls) == 1:
            held.set()
            wait_until(lambda: len(groups._queue) == 3, what="three saves queued")
        return [len(calls)]

    def together(saves: Any) -> list[Any]:
        calls.append(f"group of {len(saves)}")
        raise OperationalError("the server closed the connection")

    def checked(saves: Any) -> list[Any]:
        calls.append(f"checked {len(saves)}")
        return []

    groups = GroupCommit(together, alone, checked)
    outcomes: dict[int, Any] = {}

    def save(n: int) -> None:
        try:
            outcomes[n] = groups.insert(events_of(uuid.uuid4(), [1]))
        except Exception as exc:
            outcomes[n] = exc

    threads = [threading.Thread(target=save, args=(0,), daemon=True)]
    threads[0].start()
    held.wait(10)
    threads += [threading.Thread(target=save, args=(n,), daemon=True) for n in (1, 2, 3)]
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(30)
    assert calls == ["alone", "group of 3"]
    assert outcomes[0] == [1]
    assert all(isinstance(outcomes[n], OperationalError) for n in (1, 2, 3))
    assert groups.insert(events_of(uuid.uuid4(), [1])) == [3]
    assert not groups._leading and not groups._queue
