"""The audit chain against a real PostgreSQL: an untouched store verifies; a stored row that
someone with database access updates, deletes or moves is found at exactly its position; a
chain rewritten to hide an edit still fails against a head published before it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.audit.chain import Head, StoredEventRow, digest, genesis, next_link
from okrank.domain.audit.verification import Problem
from okrank.projections.audit.verify import head, verify_workspace
from okrank.projections.engine.runner import event_store_env, rebuild
from tests.support.audit_chain import edit, positions
from tests.support.read_models import running_projections, wait_caught_up
from tests.support.workloads import workload

AUDITED, OTHER = "audited", "other"


@pytest.fixture(scope="module")
def store(make_database: Any) -> str:
    """Two workspaces' events, interleaved in the log, chained by the live projection."""
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    with running_projections(url):
        workload(app, Actor(AUDITED, "alice"), 6)
        workload(app, Actor(OTHER, "bob"), 4)
        workload(app, Actor(AUDITED, "carol"), 4, offset=100)
        wait_caught_up(url)
        app.close()
    return url


def check(url: str, workspace: str = AUDITED, expected: Head | None = None) -> Any:
    with psycopg.connect(url) as conn:
        return verify_workspace(conn, workspace, expected)


@contextmanager
def tampered(url: str, *statements: tuple[str, tuple[Any, ...]]) -> Iterator[None]:
    """Run the statements as a database user would, and undo them afterwards."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TEMP TABLE saved AS SELECT * FROM okrank_events")
        for sql, params in statements:
            conn.execute(sql, params)
        conn.commit()
        try:
            yield
        finally:
            conn.execute("DELETE FROM okrank_events")
            conn.execute("INSERT INTO okrank_events SELECT * FROM saved")
            conn.commit()


def test_an_untouched_store_verifies_every_event_of_the_workspace_up_to_its_head(store):
    result = check(store)
    assert result.verified, result.message
    assert result.events == len(positions(store, AUDITED)) > 50
    with psycopg.connect(store) as conn:
        assert result.head == head(conn, AUDITED)
    assert result.message == f"all {result.events} events verify up to {result.head}"
    other = check(store, OTHER)
    assert other.verified and other.events == len(positions(store, OTHER))
    assert other.head != result.head


def test_an_updated_state_is_reported_at_exactly_that_event(store):
    target = positions(store, AUDITED)[20]
    update = edit("{", "{ ")
    with tampered(store, (update + " WHERE notification_id = %s", (target,))):
        result = check(store)
        assert result.problem is Problem.ALTERED
        assert result.position == target
        assert result.events == 20  # the events before it still verify
        assert f"position {target}" in result.message
        assert check(store, OTHER).verified  # another workspace's chain is unaffected
    assert check(store).verified


def test_a_deleted_event_is_reported_as_a_gap_at_its_position(store):
    target = positions(store, AUDITED)[33]
    with tampered(store, ("DELETE FROM okrank_events WHERE notification_id = %s", (target,))):
        result = check(store)
        assert (result.problem, result.position, result.events) == (Problem.DELETED, target, 33)
        assert "missing from the event store" in result.message


def test_swapped_positions_are_reported_as_reordered_at_the_first_of_them(store):
    first, second = positions(store, AUDITED)[10], positions(store, AUDITED)[12]
    move = "UPDATE okrank_events SET notification_id = %s WHERE notification_id = %s"
    with tampered(store, (move, (-1, first)), (move, (first, second)), (move, (second, -1))):
        result = check(store)
        assert (result.problem, result.position, result.events) == (Problem.REORDERED, first, 10)


def test_an_event_inserted_into_the_workspace_is_reported(store):
    ours = positions(store, AUDITED)
    gap = next(p for p in range(ours[0], ours[-1]) if p not in positions(store, AUDITED))
    copy = (
        "INSERT INTO okrank_events (originator_id, originator_version, topic, state,"
        " notification_id) SELECT originator_id, originator_version + 1000, topic, state, %s"
        " FROM okrank_events WHERE notification_id = %s"
    )
    # A free position inside the workspace's span: the other workspace's, deleted first.
    with tampered(
        store,
        ("DELETE FROM okrank_events WHERE notification_id = %s", (gap,)),
        (copy, (gap, ours[0])),
    ):
        result = check(store)
        assert (result.problem, result.position) == (Problem.INSERTED, gap)


def rewrite_chain(url: str, workspace: str) -> None:
    """What a writer who also controls the chain does: recompute every link from the store."""
    with psycopg.connect(url) as conn:
        link = genesis(workspace)
        entries = conn.execute(
            "SELECT c.seq, e.notification_id, e.originator_id, e.originator_version, e.topic,"
            " e.state FROM audit_chain c JOIN okrank_events e ON e.notification_id = c.position"
            " WHERE c.workspace = %s ORDER BY c.seq",
            (workspace,),
        ).fetchall()
        for seq, *row in entries:
            stored = StoredEventRow(*row[:4], bytes(row[4]))
            link = next_link(link, stored)
            conn.execute(
                "UPDATE audit_chain SET digest = %s, link = %s WHERE workspace = %s AND seq = %s",
                (digest(stored), link, workspace, seq),
            )


def test_a_rewritten_chain_hides_an_edit_but_not_from_a_head_published_before_it(store):
    published = check(store).head
    target = positions(store, AUDITED)[5]
    update = edit("{", "{ ")
    with psycopg.connect(store) as conn:
        saved_chain = conn.execute(
            "SELECT workspace, seq, digest, link FROM audit_chain"
        ).fetchall()
    try:
        with tampered(store, (update + " WHERE notification_id = %s", (target,))):
            rewrite_chain(store, AUDITED)
            assert check(store).verified  # the chain alone cannot tell
            result = check(store, expected=published)
            assert result.problem is Problem.HEAD_MISMATCH
            assert "has changed" in result.message
    finally:
        with psycopg.connect(store) as conn:
            conn.cursor().executemany(
                "UPDATE audit_chain SET digest = %s, link = %s WHERE workspace = %s AND seq = %s",
                [(d, k, w, s) for w, s, d, k in saved_chain],
            )
    assert check(store, expected=published).verified


def test_an_earlier_head_verifies_after_more_events_and_a_wrong_one_does_not(store):
    with psycopg.connect(store) as conn:
        entries = conn.execute(
            "SELECT seq, link FROM audit_chain WHERE workspace = %s ORDER BY seq", (AUDITED,)
        ).fetchall()
    earlier = Head(entries[9][0], bytes(entries[9][1]))
    assert check(store, expected=earlier).verified
    forged = Head(earlier.events, bytes(32))
    assert check(store, expected=forged).problem is Problem.HEAD_MISMATCH
    beyond = Head(len(entries) + 5, earlier.link)
    assert check(store, expected=beyond).problem is Problem.HEAD_MISMATCH
    other_head = check(store, OTHER).head
    assert check(store, expected=other_head).problem is Problem.HEAD_MISMATCH


def test_a_rebuild_leaves_the_chain_as_recorded_so_an_edit_stays_visible(store):
    before = check(store)
    target = positions(store, AUDITED)[15]
    update = edit("{", "{  ")
    with tampered(store, (update + " WHERE notification_id = %s", (target,))):
        rebuild(store)
        result = check(store)
        assert (result.problem, result.position) == (Problem.ALTERED, target)
    assert check(store) == before
