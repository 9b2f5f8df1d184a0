"""The ranking-change outbox is complete: replaying it reproduces every ranking exactly."""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from typing import Any

import psycopg

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.errors import DomainError
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.projections.engine.runner import Projections, event_store_env
from tests.projections.engine.test_rebuild_and_restart import wait_caught_up


def random_workload(app: OkrankApplication, actor: Actor, rng: random.Random) -> None:
    objectives = []
    for k in range(3):
        o = app.create_objective(actor, "2026-Q3", f"o{k}").aggregate_id
        app.add_key_result(actor, o, "m", 0, 1)
        objectives.append(o)
    app.activate_objective(actor, objectives[0])
    items: list[Any] = []
    for step in range(150):
        if step == 75:  # the rare whole-workspace causes, at least once
            app.recalibrate_multipliers(actor, Multipliers(3, 1, 0.25), "sharper")
            with contextlib.suppress(DomainError):
                app.activate_objective(actor, objectives[1])
        roll = rng.random()
        if roll < 0.2 or len(items) < 3:
            items.append(app.create_backlog_item(actor, f"i{step}").aggregate_id)
            continue
        item = rng.choice(items)
        o = rng.choice(objectives)
        try:
            if roll < 0.5:
                app.score_backlog_item(
                    actor,
                    item,
                    RiceInputs(rng.randint(0, 50), 1, 1, 1),
                    WsjfInputs(rng.choice([1, 2, 3]), 1, 1, 2),
                )
            elif roll < 0.7:
                app.tag_backlog_item(actor, item, o, rng.choice([Tier.DIRECT, Tier.INDIRECT]), "r")
            elif roll < 0.8:
                app.untag_backlog_item(actor, item, o, "r")
            elif roll < 0.85:
                app.change_backlog_item_status(actor, item, ItemStatus.ARCHIVED)
            elif roll < 0.9:
                app.change_backlog_item_status(actor, item, ItemStatus.BACKLOG)
            elif roll < 0.93:
                app.activate_objective(actor, o)
            elif roll < 0.95:
                app.close_objective(actor, o)
            elif roll < 0.97:
                app.recalibrate_multipliers(
                    actor, Multipliers(rng.choice([2, 3]), 1, rng.choice([0.5, 0.25])), "r"
                )
            else:
                app.justify_non_strategic(actor, item, rng.choice(["", "needed"]))
        except DomainError:  # refused commands (duplicate tag, closed objective…) change nothing
            pass


def test_replaying_the_outbox_reproduces_every_ranking(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    projections = Projections(url)
    projections.start()
    try:
        random_workload(app, Actor("ws", "alice"), random.Random(7))
        wait_caught_up(url)
    finally:
        projections.stop()
        app.close()
    with psycopg.connect(url) as conn:
        changes = conn.execute(
            "SELECT scope, method, item_id, old_rank, new_rank, new_priority, cause, count"
            " FROM ranking_changes ORDER BY position, ordinal"
        ).fetchall()
        actual = conn.execute(
            "SELECT scope, method, item_id, priority, row_number() OVER (PARTITION BY scope,"
            " method ORDER BY k_unscored, k_priority, k_base, seq, item_id) FROM ranking_entries"
        ).fetchall()
    replayed: dict[tuple[Any, str], dict[Any, tuple[int, float | None]]] = defaultdict(dict)
    for scope, method, item, old_rank, new_rank, priority, _, count in changes:
        ranking = replayed[(scope, method)]
        if item is None:  # a range: the `count` items at old_rank… move to new_rank…
            moved = [i for i, (r, _) in ranking.items() if old_rank <= r < old_rank + count]
            assert len(moved) == count
            for i in moved:
                ranking[i] = (ranking[i][0] + new_rank - old_rank, ranking[i][1])
            continue
        assert ranking.get(item, (None, None))[0] == old_rank  # each change starts where we are
        if new_rank is None:
            del ranking[item]
        else:
            ranking[item] = (new_rank, priority)
    expected: dict[tuple[Any, str], dict[Any, tuple[int, float | None]]] = defaultdict(dict)
    for scope, method, item, priority, rank in actual:
        expected[(scope, method)][item] = (rank, priority)
    assert {k: v for k, v in replayed.items() if v} == dict(expected)
    causes = {c[6] for c in changes}
    assert causes >= {"ITEM_CREATED", "SCORED", "TAGGED", "UNTAGGED", "MULTIPLIERS_RECALIBRATED"}
    assert len(changes) > 300
    assert any(c[2] is None and c[7] > 1 for c in changes)  # displaced runs were reported
