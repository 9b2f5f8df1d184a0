"""Snapshots of long-lived aggregates: taken without failing the command, equal to a replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import StoredEvent

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.domain.reviews.commands import AuditReviewOutcomes, StartQuarterlyReview
from okrank.domain.reviews.outcomes import DoneItem, audit_outcomes
from okrank.domain.reviews.review import ReviewPhase
from okrank.domain.workspaces.workspace import Workspace

ACTOR = Actor("w", "alice")


def replayed(app: OkrankApplication, ident: UUID) -> Any:
    """The aggregate rebuilt from its events alone (no snapshot, no cache)."""
    aggregate = None
    for event in app.events.get(ident):
        aggregate = event.mutate(aggregate)
    return aggregate


def from_snapshot(app: OkrankApplication, ident: UUID) -> Any:
    version = replayed(app, ident).version
    return app.repository.get(ident, version=version)  # a version bypasses the cache


def test_a_scored_tagged_item_with_more_than_100_events_is_snapshotted_and_reloads_equal():
    app = OkrankApplication()
    objective = app.create_objective(ACTOR, "2026-Q3", "Grow").aggregate_id
    app.add_key_result(ACTOR, objective, "signups", 0, 10)
    item = app.create_backlog_item(ACTOR, "Search").aggregate_id
    app.tag_backlog_item(ACTOR, item, objective, Tier.DIRECT, "moves signups")
    app.score_backlog_item(ACTOR, item, None, WsjfInputs(1, 2, 3, 5))
    for n in range(130):  # every command answers: the 100th event's snapshot does not fail it
        result = app.score_backlog_item(ACTOR, item, RiceInputs(n + 1, 1, 0.5, 2))
    assert result.version == 133
    snapshots = list(app.snapshots.get(item))
    assert [s.originator_version for s in snapshots] == [100]
    loaded, replay = from_snapshot(app, item), replayed(app, item)
    assert isinstance(loaded, BacklogItem) and vars(loaded) == vars(replay)
    assert loaded.rice == RiceInputs(130, 1, 0.5, 2) and loaded.tags[objective].tier is Tier.DIRECT
    assert loaded.kind.value == "FEATURE"  # enums come back as enums, not plain strings


def test_an_objective_snapshot_keeps_its_key_results_and_status():
    app = OkrankApplication()
    objective = app.create_objective(ACTOR, "2026-Q3", "Grow").aggregate_id
    for n in range(99):
        app.add_key_result(ACTOR, objective, f"metric {n}", 0, n + 1)
    app.activate_objective(ACTOR, objective)
    assert [s.originator_version for s in app.snapshots.get(objective)] == [100]
    loaded, replay = from_snapshot(app, objective), replayed(app, objective)
    assert vars(loaded) == vars(replay) and loaded.status.value == "ACTIVE"
    assert len(loaded.key_results) == 99


def test_a_review_audited_again_and_again_is_snapshotted_every_ten_events_and_reloads_equal():
    end = datetime(2026, 10, 1, tzinfo=UTC)
    done = [DoneItem(uuid4(), "Shipped", end - timedelta(days=9), 1.0, ())]
    audit = audit_outcomes(done, [], [], end, timedelta(0), end + timedelta(days=1))
    app = OkrankApplication()
    review = app.execute(ACTOR, StartQuarterlyReview("T", "2026-Q3", 0, audit)).aggregate_id
    for _ in range(10):
        app.execute(ACTOR, AuditReviewOutcomes(review, audit))
    assert [s.originator_version for s in app.snapshots.get(review)] == [10]
    loaded, replay = from_snapshot(app, review), replayed(app, review)
    assert vars(loaded) == vars(replay) and loaded.phase is ReviewPhase.AUDITING
    assert loaded.latest_audit() == audit


def test_an_existing_stored_event_still_reads():
    """Snapshots changed, events did not: an event stored before (bytes as written by the
    earlier code) decodes to the same event."""
    app = OkrankApplication()
    item = app.create_backlog_item(ACTOR, "Search").aggregate_id
    stored = StoredEvent(
        originator_id=item,
        originator_version=2,
        topic="domain.backlog_item:BacklogItem.RiceScored",
        state=b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-01T10:00:00+00:00"},'
        b'"reach":100.0,"impact":2.0,"confidence":0.5,"effort":4.0,"actor":"bob"}',
    )
    event = app.mapper.to_domain_event(stored)
    aggregate = event.mutate(app.repository.get(item))
    assert aggregate.rice == RiceInputs(100.0, 2.0, 0.5, 4.0) and aggregate.version == 2


def test_a_snapshot_stored_by_the_library_class_still_reads():
    """Workspace snapshots written before StateSnapshot (the library's class) still load."""
    app = OkrankApplication()
    workspace = Workspace(name="w", actor="alice")
    workspace.recalibrate(Multipliers(3.0, 1.5, 0.5), "audit", "alice")
    stored = app.mapper.to_stored_event(Snapshot.take(workspace))
    assert stored.topic == "eventsourcing.domain:Snapshot"
    restored = app.mapper.to_domain_event(stored).mutate(None)
    assert restored.multipliers == Multipliers(3.0, 1.5, 0.5) and restored.name == "w"
