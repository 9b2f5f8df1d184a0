"""The ranking-change outbox is complete: replaying it reproduces every ranking exactly."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import psycopg

from okrank.domain.application import Actor, OkrankApplication
from okrank.projections.engine.runner import event_store_env
from tests.support.read_models import running_projections, wait_caught_up
from tests.support.workloads import random_workload


def test_replaying_the_outbox_reproduces_every_ranking(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    with running_projections(url):
        random_workload(app, Actor("ws", "alice"), random.Random(7))
        wait_caught_up(url)
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
