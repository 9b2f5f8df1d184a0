"""Bulk batches: items created in a batch are held in memory and written at its end (or before
any handler that reads the tables). A batch of hundreds of events of every kind writes the same
rows, rankings and ranking-change outbox as one transaction per event, and a poison event in a
large batch still stops the view exactly at it."""

from __future__ import annotations

import csv
import io
import random
from uuid import UUID

import psycopg
import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.backlog.tracker_import import backlog_item_id
from okrank.domain.rankings.scoring import Multipliers
from okrank.projections.engine.poison import PoisonEventError
from okrank.projections.engine.runner import event_store_env
from okrank.projections.engine.view import MAX_BATCH
from tests.support import poison_events
from tests.support.live_projection import fresh_views, logged, project
from tests.support.read_models import snapshot, tracked
from tests.support.workloads import random_workload, workload

HEADER = ["Summary", "Issue key", "Issue Type", "Description", "Labels", "Reach", "Impact",
          "Confidence", "Effort", "Objective", "Tier"]  # fmt: skip


def tracker_csv(keys: range, objectives: list[UUID], version: int = 0) -> str:
    """A tracker export: scored rows, most tagged to one of `objectives` (DIRECT or INDIRECT);
    a later `version` changes some titles, scores and tiers."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for n in keys:
        changed = version and n % 3 == 0
        w.writerow(
            [f"item {n}{' (v2)' if changed else ''}", f"B-{n}", ("Story", "Bug")[n % 2],
             "", f"team-{n % 3}", 10 + n * (2 if changed else 1), (3, 1, 0.5)[n % 3], 0.8,
             1 + n % 5, "" if n % 7 == 0 else str(objectives[n % len(objectives)]),
             "INDIRECT" if (n + version) % 4 == 1 and n % 7 else ""]
        )  # fmt: skip
    return out.getvalue()


def objectives(app: OkrankApplication, actor: Actor, count: int) -> list[UUID]:
    found = []
    for k in range(count):
        o = app.create_objective(actor, "2026-Q3", f"bulk objective {k}").aggregate_id
        app.add_key_result(actor, o, "metric", 0, 10)
        app.activate_objective(actor, o)
        found.append(o)
    return found


def imported(
    app: OkrankApplication, subject: str, count: int, keys: range
) -> tuple[Actor, list[UUID]]:
    """`subject` of the workspace "bulk", `count` active objectives, and the items `keys` of a
    tracker export tagged to them."""
    actor = Actor("bulk", subject)
    targets = objectives(app, actor, count)
    app.import_backlog_items(actor, tracker_csv(keys, targets))
    return actor, targets


def test_a_batch_of_every_kind_of_event_writes_what_one_event_per_transaction_writes(
    make_database,
):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        actor, targets = imported(app, "alice", 2, range(150))
        workload(app, actor, 12)  # exercises, triages, sprints, strategy, a closed objective
        app.recalibrate_multipliers(actor, Multipliers(3, 1, 0.25), "sharper")
        app.import_backlog_items(actor, tracker_csv(range(100, 220), targets, version=1))
        for n in range(0, 40, 4):
            item = backlog_item_id("bulk", f"B-{n}")
            app.change_backlog_item_status(actor, item, ItemStatus.BACKLOG)
        app.close_objective(actor, targets[1])
        random_workload(app, Actor("other", "bob"), random.Random(7))
        app.import_backlog_items(actor, tracker_csv(range(220, 300), targets[:1]))
        events = logged(app)
    finally:
        app.close()
    one_by_one = project(url, events, None)
    assert project(url, events, len(events)) == one_by_one  # all of it in one transaction
    assert project(url, events, MAX_BATCH) == one_by_one  # the live runner's batches
    rows, _ = one_by_one
    assert len(rows["backlog_items"]) > 300
    assert len(rows["ranking_changes"]) > 1000


def test_a_poison_event_in_a_large_batch_stops_the_view_exactly_there(make_database):
    """The poison (a score no int column holds) is of an item created in the same batch, so it
    fails only when the batch writes its new items: the batch is applied again event by event."""
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        actor, targets = imported(app, "carol", 1, range(200))
        position = poison_events.out_of_range_score(app, backlog_item_id("bulk", "B-150"))
        app.import_backlog_items(actor, tracker_csv(range(200, 300), targets))
        events = logged(app)
    finally:
        app.close()
    before = [(e, t) for e, t in events if t.notification_id < position]
    expected = project(url, before, None)  # one event per transaction, up to the poison
    views = fresh_views(url)
    try:
        catalog = views[0]
        wanted = [(e, t) for e, t in events if type(e) in catalog.handlers]
        assert len(wanted) > 2 * MAX_BATCH
        with pytest.raises(PoisonEventError) as stopped:
            catalog.apply_isolating_poison(wanted)  # one batch: the poison in its middle
        assert stopped.value.poison.position == position
        last_before = max(t.notification_id for _, t in wanted if t.notification_id < position)
        with psycopg.connect(url) as conn:
            assert tracked(conn, "catalog") == (last_before,)
        catalog_tables = set(catalog.tables)
        got = {t: r for t, r in snapshot(url).items() if t in catalog_tables}
        assert got == {t: r for t, r in expected[0].items() if t in catalog_tables}
    finally:
        for view in views:
            view.datastore.close()
