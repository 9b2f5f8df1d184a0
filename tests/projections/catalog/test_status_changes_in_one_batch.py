"""Mass status changes (a quarterly review's reset): the status changes of items already in the
catalog are applied in memory and written at the batch's end (catalog.stored_items). Batches of
them, mixed with other changes to the same items and to what their rankings depend on, write the
same rows, rankings, coverage tallies and ranking-change outbox as one event per transaction."""

from __future__ import annotations

import random

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, WsjfInputs
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


def test_mass_status_changes_in_batches_write_what_one_event_per_transaction_writes(
    make_database,
):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    try:
        actor = Actor("reset", "alice")
        workload(app, actor, 30)  # scored, tagged, justified, exercise results, a closed one
        workload(app, actor, 30, offset=30)
        mass_changes(app, actor, random.Random(5))
        events = logged(app)
    finally:
        app.close()
    one_by_one = project(url, events, None)
    assert project(url, events, len(events)) == one_by_one  # all of it in one transaction
    assert project(url, events, MAX_BATCH) == one_by_one  # the live runner's batches
    assert project(url, events, random.Random(3)) == one_by_one  # batches of 2 to 40
    rows, _ = one_by_one
    causes = [row[11] for row in rows["ranking_changes"]]
    assert causes.count("STATUS_CHANGED") > 100
    assert rows["coverage_classes"]
