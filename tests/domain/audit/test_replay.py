"""The replay function, in memory: aggregates folded from the log up to a position equal the
library's own `repository.get(id, version=…)` at the same point, and rankings of replayed
aggregates follow the domain's rules (unranked statuses, active objectives, multipliers)."""

from __future__ import annotations

from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.audit.replay import Replayed, replay, replayed_topics
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    JustifyNonStrategic,
    RetagBacklogItem,
    ScoreBacklogItem,
    TagBacklogItem,
)
from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.event_names import STORED_NAMES
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CloseObjective,
    CreateObjective,
)
from okrank.domain.okrs.objective import Objective
from okrank.domain.rankings.replayed import ranking
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier
from okrank.domain.workspaces.commands import RecalibrateMultipliers
from okrank.domain.workspaces.workspace import workspace_id

OWNER = Actor("w", "owner")


def log(app: OkrankApplication, upto: int | None = None) -> list[tuple[int, object]]:
    """(position, event) of the log in order, up to a position."""
    notifications = app.recorder.select_notifications(start=1, limit=10_000, stop=upto)
    return [(n.id, app.mapper.to_domain_event(n)) for n in notifications]


def objective(app: OkrankApplication, title: str) -> UUID:
    oid = app.execute(OWNER, CreateObjective("2026-Q3", title)).aggregate_id
    app.execute(OWNER, AddKeyResult(oid, "metric", 0, 10))
    app.execute(OWNER, ActivateObjective(oid))
    return oid


def scored(app: OkrankApplication, title: str, reach: float) -> UUID:
    item_id = app.execute(OWNER, CreateBacklogItem(title)).aggregate_id
    app.execute(OWNER, ScoreBacklogItem(item_id, rice=RiceInputs(reach, 1, 1, 1)))
    return item_id


def test_replay_up_to_each_position_equals_the_repositorys_aggregate_at_that_version(app):
    oid = objective(app, "Grow")
    item_id = scored(app, "SSO", 10)
    app.execute(OWNER, TagBacklogItem(item_id, oid, Tier.DIRECT, "fits"))
    app.execute(OWNER, RetagBacklogItem(item_id, oid, Tier.INDIRECT, "less so"))
    app.execute(OWNER, ChangeBacklogItemStatus(item_id, ItemStatus.BACKLOG))
    events = log(app)
    for position, event in events:
        found = replay(e for e in events if e[0] <= position)
        expected = app.repository.get(event.originator_id, version=event.originator_version)
        got = found[event.originator_id]
        assert vars(got.aggregate) == vars(expected)
        assert got.positions[-1] == position and got.last == event
    whole = replay(events)[item_id]
    assert isinstance(whole, Replayed) and whole.created.actor == "owner"
    assert whole.position == next(p for p, e in events if e.originator_id == item_id)


def test_the_replayed_topics_are_the_events_of_items_objectives_and_the_workspace_only():
    topics = set(replayed_topics())
    events = {
        name
        for name in STORED_NAMES
        if name.startswith(("domain.backlog_item:", "domain.objective:", "domain.workspace:"))
        and "." in name.partition(":")[2]
    }
    assert topics == events
    assert "domain.backlog_item:BacklogItem.Tagged" in topics


def test_a_ranking_of_replayed_aggregates_follows_the_domains_rules(app):
    grow, keep = objective(app, "Grow"), objective(app, "Keep")
    a, b, c, d = (scored(app, t, r) for t, r in (("A", 10), ("B", 40), ("C", 30), ("D", 90)))
    app.execute(OWNER, TagBacklogItem(a, grow, Tier.DIRECT, "fits"))
    app.execute(OWNER, TagBacklogItem(b, keep, Tier.INDIRECT, "fits"))
    app.execute(OWNER, JustifyNonStrategic(c, "needed"))
    before_recalibration = log(app)[-1][0]
    app.execute(OWNER, RecalibrateMultipliers(Multipliers(5, 1, 0.5), "OKRs first"))
    app.execute(OWNER, CloseObjective(keep))
    app.execute(OWNER, ChangeBacklogItemStatus(d, ItemStatus.DONE))

    def product(upto: int | None) -> list[tuple[str, float | None, bool]]:
        found = replay(log(app, upto))
        objectives = {
            i: r.aggregate for i, r in found.items() if isinstance(r.aggregate, Objective)
        }
        items = [
            (r.position, r.aggregate)
            for r in found.values()
            if isinstance(r.aggregate, BacklogItem)
        ]
        space = found.get(workspace_id("w"))
        multipliers = space.aggregate.multipliers if space else Multipliers()
        names = {
            r.aggregate.id: r.aggregate.title
            for r in found.values()
            if isinstance(r.aggregate, BacklogItem)
        }
        entries = ranking(items, objectives, multipliers, None, "RICE")
        return [(names[UUID(e.item_id)], e.priority, e.eligible) for e in entries]

    # Defaults (2, 1, 0.5): D untagged 45, B indirect 40, A direct 20, C justified 15.
    assert product(before_recalibration) == [
        ("D", 45.0, False),
        ("B", 40.0, True),
        ("A", 20.0, True),
        ("C", 15.0, True),
    ]
    # Recalibrated to 5: A 50; Keep closed: B untagged 20, ineligible; D done: not ranked.
    assert product(None) == [("A", 50.0, True), ("B", 20.0, False), ("C", 15.0, True)]
