"""Status and score changes of items already in the catalog are applied in memory and written at
the batch's end (catalog.stored_items): a quarterly review's reset brings thousands of status
changes in one batch, concurrent mutations the scores of several items. Batches of them, mixed
with other changes to the same items and to what their rankings depend on, write the same rows,
rankings, coverage tallies and ranking-change outbox as one event per transaction applied by SQL
(the path before stored_items)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.projections.catalog import backlog
from okrank.projections.engine.runner import event_store_env
from okrank.projections.engine.view import MAX_BATCH
from tests.support.live_projection import logged, project
from tests.support.workloads import workload

STATUSES = [s for s in ItemStatus if s != ItemStatus.CANDIDATE]


def mass_changes(app: OkrankApplication, actor: Actor, rng: random.Random) -> None:
    """Three resets of every item in one transaction each; in the second, some items are also
    rescored between two status changes of their own; between them a recalibration."""
    items = [e.originator_id for e, _ in logged(app) if type(e) is BacklogItem.Created]
    assert len(items) > 50
    for reset in range(3):
        if reset == 1:
            app.recalibrate_multipliers(actor, Multipliers(3, 1, 0.25), "sharper")
        changed = [app.repository.get(i) for i in items]
        for n, item in enumerate(changed):
            status = rng.choice([s for s in STATUSES if s != item.status])
            item.change_status(status, f"reset {reset}", actor.subject)
            if reset == 1 and n % 4 == 0:
                item.score(RiceInputs(n + 7, 2, 0.8, 3), WsjfInputs(2, 3, 5, 8), actor.subject)
                again = rng.choice([s for s in STATUSES if s != item.status])
                item.change_status(again, "and again", actor.subject)
        app.save(*changed)


def stored_events(
    url: str, workspace: str, *writes: Callable[[OkrankApplication, Actor], None]
) -> list[tuple[Any, Any]]:
    """Every event that `writes` store, in turn, through a fresh application on `url`."""
    app = OkrankApplication(env=event_store_env(url))
    try:
        actor = Actor(workspace, "alice")
        for write in writes:
            write(app, actor)
        return logged(app)
    finally:
        app.close()


def by_sql_one_by_one(
    url: str, events: list[tuple[Any, Any]], monkeypatch: pytest.MonkeyPatch
) -> Any:
    """The events applied one per transaction, every item change by SQL (nothing held)."""
    with monkeypatch.context() as m:
        m.setattr(backlog, "HOLD_STORED_ITEMS", False)
        return project(url, events, None)


def test_mass_status_changes_in_batches_write_what_one_event_per_transaction_writes(
    make_database, monkeypatch
):
    url = make_database()
    events = stored_events(
        url,
        "reset",
        lambda app, actor: workload(app, actor, 30),  # scored, tagged, justified, exercises
        lambda app, actor: workload(app, actor, 30, offset=30),
        lambda app, actor: mass_changes(app, actor, random.Random(5)),
    )
    one_by_one = by_sql_one_by_one(url, events, monkeypatch)
    assert project(url, events, None) == one_by_one  # held, one event per transaction
    assert project(url, events, len(events)) == one_by_one  # all of it in one transaction
    assert project(url, events, MAX_BATCH) == one_by_one  # the live runner's batches
    assert project(url, events, random.Random(3)) == one_by_one  # batches of 2 to 40
    rows, _ = one_by_one
    causes = [row[11] for row in rows["ranking_changes"]]
    assert causes.count("STATUS_CHANGED") > 100
    assert rows["coverage_classes"]


def rescoring(app: OkrankApplication, actor: Actor, rng: random.Random) -> None:
    """Score changes as concurrent mutations bring them: one save per change, each item
    rescored several times (RICE, WSJF or both; efforts and job sizes moving, so coverage sums
    move; sometimes to the same values), some of them DONE or justified first, with tags,
    retags and a recalibration in between."""
    items = [e.originator_id for e, _ in logged(app) if type(e) is BacklogItem.Created]
    objective = app.create_objective(actor, "2026-Q3", "rescored").aggregate_id
    app.add_key_result(actor, objective, "metric", 0, 10)
    app.activate_objective(actor, objective)
    for n, item_id in enumerate(items[:12]):
        item = app.repository.get(item_id)
        status = ItemStatus.DONE if n % 2 else ItemStatus.PLANNED
        if item.status != status:
            item.change_status(status, "shipped", actor.subject)
            app.save(item)
    for turn in range(4):
        if turn == 2:
            app.recalibrate_multipliers(actor, Multipliers(2.5, 0.75, 0.5), "again")
        for n, item_id in enumerate(rng.sample(items, len(items))):
            item = app.repository.get(item_id)
            rice = RiceInputs(rng.choice([5, 50, 500]), rng.choice([1, 2]), 0.5, rng.choice([1, 3]))
            wsjf = WsjfInputs(rng.choice([1, 3, 8]), 2, 3, rng.choice([2, 5, 13]))
            kind = n % 3
            item.score(rice if kind != 1 else None, wsjf if kind != 0 else None, actor.subject)
            app.save(item)
            if n % 11 == 0 and objective not in item.tags:
                item.tag(objective, None, Tier.INDIRECT, "touches it", actor.subject)
                app.save(item)
            elif n % 13 == 0 and not item.tags and not item.justification:
                item.justify_non_strategic("keeps the lights on", actor.subject)
                app.save(item)


def test_score_changes_in_batches_write_what_one_event_per_transaction_writes(
    make_database, monkeypatch
):
    url = make_database()
    events = stored_events(
        url,
        "rescore",
        lambda app, actor: workload(app, actor, 30),
        lambda app, actor: rescoring(app, actor, random.Random(7)),
    )
    one_by_one = by_sql_one_by_one(url, events, monkeypatch)
    assert project(url, events, None) == one_by_one
    assert project(url, events, MAX_BATCH) == one_by_one
    assert project(url, events, random.Random(4)) == one_by_one
    assert project(url, events, 8) == one_by_one  # a live batch under 8 concurrent writers
    rows, _ = one_by_one
    causes = [row[11] for row in rows["ranking_changes"]]
    assert causes.count("SCORED") > 100
    with psycopg.connect(url) as conn:  # the last projection's rows: as one_by_one's
        kept = conn.execute(
            "SELECT count(*) FROM backlog_items WHERE status = 'DONE' AND done_at IS NOT NULL"
        ).fetchone()[0]
    assert kept >= 6, "rescoring a DONE item keeps when it was done"
