"""`find_many` (domain.many_aggregates): many aggregates read at once from PostgreSQL are the
same as each one loaded by itself, snapshots, other workspaces' and missing ids included."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import CreateBacklogItem, ScoreBacklogItem, UpdateBacklogItem
from okrank.domain.rankings.scoring import RiceInputs
from okrank.projections.engine.runner import event_store_env


def test_many_aggregates_read_at_once_equal_each_loaded_by_itself(make_database: Any) -> None:
    app = OkrankApplication(env=event_store_env(make_database()))
    try:
        ours, theirs = Actor("w", "olivia"), Actor("other", "omar")
        items = [app.execute(ours, CreateBacklogItem(f"Item {n}")).aggregate_id for n in range(3)]
        items.append(app.execute(theirs, CreateBacklogItem("Theirs")).aggregate_id)
        for reach in range(1, 120):  # past the item's snapshotting interval (100 events)
            app.execute(ours, ScoreBacklogItem(items[0], RiceInputs(reach, 1, 1, 1)))
        app.execute(ours, UpdateBacklogItem(items[1], title="Renamed"))
        missing = uuid4()
        found = app.find_many([*items, missing, items[0]])
        assert set(found) == set(items)
        for ident in items:
            alone = app.repository.get(ident)
            assert vars(found[ident]) == vars(alone)
        assert missing not in found
    finally:
        app.close()
