"""Stored names do not depend on where code lives: every class the event store names has one
explicit, permanent name (domain/event_names.py), and that name is what gets written."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, CanMutateAggregate, DomainEvent

from okrank.domain.application import OkrankApplication
from okrank.domain.backlog.commands import CreateBacklogItem, UpdateBacklogItem
from okrank.domain.briefings.briefing import BriefingContent
from okrank.domain.event_names import STORED_NAMES
from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.reviews.commands import (
    CompleteReview,
    RecordReviewVerdict,
    StartQuarterlyReview,
)
from okrank.domain.reviews.outcomes import DoneItem, audit_outcomes
from okrank.domain.reviews.review import ItemVerdict, RegroomAction
from okrank.domain.snapshots import StateSnapshot
from okrank.domain.sprints.zombies import ZombieThresholds
from okrank.domain.themes.theme import Horizon
from tests.fixtures.make_old_store import OWNER, build


def domain_aggregates() -> list[type[Aggregate]]:
    return [c for c in Aggregate.__subclasses__() if c.__module__.startswith("okrank.domain.")]


def domain_event_classes() -> list[type[Any]]:
    """Every event (and snapshot) class defined in okrank.domain, wherever it is declared;
    each aggregate's base `Event` is never emitted (the library refuses to trigger it)."""
    found: dict[type[Any], None] = {}
    todo: list[type[Any]] = [DomainEvent]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            # A class declared in an aggregate's body (to give it a class_version and an
            # upcast) is the base the library derives the emitted class of that name from.
            derived = any(d.__qualname__ == sub.__qualname__ for d in sub.__subclasses__())
            ours = sub.__module__.startswith("okrank.domain.") and sub.__name__ != "Event"
            if ours and not derived:
                found[sub] = None
    return list(found)


def marker_topics(value: Any) -> set[str]:
    """The class names a StateSnapshot's state holds (its _enum_ and _object_ markers)."""
    if isinstance(value, list):
        return set().union(*(marker_topics(v) for v in value))
    if not isinstance(value, dict):
        return set()
    found = set().union(*(marker_topics(v) for v in value.values()))
    for marker in ("_enum_", "_object_"):
        if marker in value:
            found.add(value[marker][0])
    return found


def test_every_aggregate_and_event_the_domain_can_emit_has_its_own_registered_name():
    aggregates = domain_aggregates()
    assert {a.__name__ for a in aggregates} == {
        "Workspace",
        "Objective",
        "BacklogItem",
        "Exercise",
        "Sprint",
        "TeamCalendar",
        "HealthMetric",
        "Theme",
        "MissionBriefing",
        "QuarterlyReview",
    }
    events = domain_event_classes()
    assert StateSnapshot in events and aggregates[0].Created in events
    for cls in [*aggregates, *events]:
        name = vars(cls).get("TOPIC")  # its own, not one inherited from a base
        assert name, f"{cls.__qualname__} has no stored name in domain/event_names.py"
        assert STORED_NAMES[name] is cls


def test_stored_names_are_unique_and_each_class_has_one():
    assert len(set(map(id, STORED_NAMES.values()))) == len(STORED_NAMES)
    for name, cls in STORED_NAMES.items():
        assert vars(cls)["TOPIC"] == name


def events_added_since_the_old_store(app: OkrankApplication) -> None:
    """Events newer than tests/fixtures/old_store: a respondent excluded and reinstated, an
    exercise reopened and set to close by itself, a backlog item imported from CSV, an item
    created in a team, a key result checked in, a check-in interval set, a sprint run from
    creation to close, zombie thresholds set, health metrics, themes, briefings."""
    notifications = app.recorder.select_notifications(start=1, limit=100_000)
    closed = [
        n.originator_id for n in notifications if n.topic == "domain.exercise:Exercise.Closed"
    ]
    maxdiff = next(i for i in closed if app.repository.get(i).method == ExerciseMethod.MAXDIFF)
    app.exclude_respondent(OWNER, maxdiff, "ext-2", "answered at random")
    app.reinstate_respondent(OWNER, maxdiff, "ext-2", "answers checked by phone")
    app.reopen_exercise(OWNER, closed[-1], "two more stakeholders join", "2099-01-01T00:00:00")
    app.set_exercise_auto_close(OWNER, closed[-1], True)
    app.import_backlog_items(OWNER, "Issue key,Summary,Labels\nOKR-1,Imported,ux\n")
    item = app.execute(OWNER, CreateBacklogItem("In a team", team="Growth")).aggregate_id
    app.execute(OWNER, UpdateBacklogItem(item, team="Platform"))
    activated = [n.originator_id for n in notifications if n.topic.endswith("Objective.Activated")]
    active = next(o for o in map(app.repository.get, activated) if o.status == "ACTIVE")
    app.check_in_key_result(OWNER, active.id, active.key_results[0].id, 1.0, 0.5)
    app.set_check_in_interval(OWNER, 7)
    kr = active.key_results[0].id
    sprint = app.create_sprint(
        OWNER, "T", active.cycle, date(2026, 7, 1), date(2026, 7, 14), "G", active.id, kr
    )
    items = [app.execute(OWNER, CreateBacklogItem(f"Planned {n}")).aggregate_id for n in (1, 2)]
    for planned in items:
        app.plan_sprint_item(OWNER, sprint.aggregate_id, planned, "an override", may_override=True)
    app.unplan_sprint_item(OWNER, sprint.aggregate_id, items[1])
    app.start_sprint(OWNER, sprint.aggregate_id)
    app.close_sprint(OWNER, sprint.aggregate_id)
    app.set_zombie_thresholds(OWNER, ZombieThresholds(4, 2), "two-week sprints")
    strategy_events(app, item)
    review_events(app)


def strategy_events(app: OkrankApplication, item: Any) -> None:
    """Health metrics, themes and their members, discovery objectives, mission briefings."""
    metric = app.create_health_metric(OWNER, "Uptime").aggregate_id
    app.record_health_metric(OWNER, metric, value=99.9)
    app.archive_health_metric(OWNER, metric, reason="met for a year")
    theme = app.create_theme(OWNER, "User Growth", Horizon.NOW).aggregate_id
    app.move_theme(OWNER, theme, Horizon.NEXT, "enterprise first")
    app.rename_theme(OWNER, theme, "Growth")
    objective = app.create_objective(OWNER, "2026-Q3", "Learn").aggregate_id
    app.set_objective_theme(OWNER, objective, theme)
    app.mark_discovery_objective(OWNER, objective, theme)
    app.set_backlog_item_theme(OWNER, item, theme)
    briefing = BriefingContent("context", "", "", (), (), ())
    app.edit_mission_briefing(OWNER, "BacklogItem", item, briefing)
    app.edit_mission_briefing(OWNER, "BacklogItem", item, replace(briefing, my_intent="mine"))


def review_events(app: OkrankApplication) -> None:
    """A quarterly review through every phase (the reset and re-grooming recorded directly)."""
    end = datetime(2026, 10, 1, tzinfo=UTC)
    done = [DoneItem(uuid4(), "Shipped", end - timedelta(days=9), 1.0, ())]
    audit = audit_outcomes(done, [], [], end, timedelta(0), end + timedelta(days=1))
    ident = app.execute(OWNER, StartQuarterlyReview("T", "2026-Q3", 0, audit)).aggregate_id
    app.execute(OWNER, RecordReviewVerdict(ident, done[0].item_id, ItemVerdict.UNCLEAR))
    review = app.repository.get(ident)
    left = uuid4()
    review.reset_backlog("2026-Q4", [], [], {}, [left], "new quarter", OWNER.subject)
    review.regroom(left, RegroomAction.ARCHIVED, None, None, OWNER.subject)
    app.save(review)
    app.execute(OWNER, CompleteReview(ident))


def test_newly_written_events_and_snapshots_are_stored_under_their_registered_names():
    app = OkrankApplication()  # in memory
    build(app)  # every kind of event the old store holds, and a snapshot
    events_added_since_the_old_store(app)
    written = app.recorder.select_notifications(start=1, limit=100_000)
    topics = {n.topic for n in written}
    events = {n for n, c in STORED_NAMES.items() if issubclass(c, CanMutateAggregate)}
    assert topics == events  # each one, and only those
    for notification in written:
        event = app.mapper.to_domain_event(notification)
        assert STORED_NAMES[notification.topic] is type(event)
        if notification.originator_version == 1:
            assert STORED_NAMES[event.originator_topic] is type(event.mutate(None))

    for aggregate_cls in OkrankApplication.snapshotting_intervals:
        ident = next(
            n.originator_id
            for n in written
            if n.originator_version == 1
            and type(app.mapper.to_domain_event(n).mutate(None)) is aggregate_cls
        )
        stored = app.mapper.to_stored_event(StateSnapshot.take(app.repository.get(ident)))
        assert stored.topic == "domain.snapshots:StateSnapshot"
        state = json.loads(stored.state)
        assert STORED_NAMES[state["topic"]] is aggregate_cls
        assert marker_topics(state["state"]) <= STORED_NAMES.keys()
