"""Two applications on one event store, as two API processes are: each starts its commands from
its own cache (domain.repository), and neither loses, repeats or wrongly refuses a change the
other made (PostgreSQL's version check, real threads)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import ScoreBacklogItem, TagBacklogItem, UntagBacklogItem
from okrank.domain.errors import ConflictError
from okrank.domain.rankings.scoring import RiceInputs, Tier
from okrank.projections.engine.runner import event_store_env

ACTOR = Actor("ws", "po")


@pytest.fixture
def two(make_database: Any):
    url = make_database()
    first, second = (OkrankApplication(env=event_store_env(url)) for _ in range(2))
    yield first, second
    first.close()
    second.close()


def item_and_objective(app: OkrankApplication) -> tuple[Any, Any]:
    o = app.create_objective(ACTOR, "2026-Q3", "o").aggregate_id
    app.add_key_result(ACTOR, o, "users", 0, 1)
    app.activate_objective(ACTOR, o)
    return app.create_backlog_item(ACTOR, "item").aggregate_id, o


def test_alternating_writers_each_start_from_a_cache_the_other_has_moved_past(two):
    first, second = two
    i, o = item_and_objective(first)
    first.execute(ACTOR, ScoreBacklogItem(i, RiceInputs(1, 1, 1, 1)))  # cached in first
    second.execute(ACTOR, TagBacklogItem(i, o, Tier.DIRECT, "why"))  # first's cache is behind
    # judged on first's cached state this is refused (no tag there); on the store's it is not
    first.execute(ACTOR, UntagBacklogItem(i, o, "not any more"))
    version = second.execute(ACTOR, ScoreBacklogItem(i, RiceInputs(2, 1, 1, 1))).version
    with pytest.raises(ConflictError) as stale:
        first.execute(ACTOR, ScoreBacklogItem(i, RiceInputs(3, 1, 1, 1), expected_version=4))
    assert stale.value.current_version == version
    first.execute(ACTOR, ScoreBacklogItem(i, RiceInputs(3, 1, 1, 1), expected_version=version))
    names = [type(e).__name__ for e in first.repository.event_store.get(i)]
    assert names == ["Created", "RiceScored", "Tagged", "Untagged", "RiceScored", "RiceScored"]


def test_concurrent_writers_in_two_applications_lose_no_change(two):
    first, second = two
    i, _ = item_and_objective(first)
    each = 15

    def score(app: OkrankApplication, base: int) -> None:
        for n in range(each):
            app.execute(ACTOR, ScoreBacklogItem(i, RiceInputs(base + n, 1, 1, 1)))

    threads = [threading.Thread(target=score, args=(a, b)) for a, b in ((first, 1), (second, 100))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    events = list(first.repository.event_store.get(i))
    assert [e.originator_version for e in events] == list(range(1, 2 * each + 2))  # gap-free
    reaches = sorted(e.reach for e in events[1:])
    assert reaches == sorted([*range(1, 1 + each), *range(100, 100 + each)])  # each once
