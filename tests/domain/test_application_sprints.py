"""Sprint commands through `OkrankApplication.execute`, in memory: each success and each typed
refusal (which changes nothing), the team calendar that keeps a team's sprints apart, the
eligibility override, and the zombie thresholds of a workspace."""

from __future__ import annotations

import threading
from datetime import date
from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    JustifyNonStrategic,
    TagBacklogItem,
)
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.domain.okrs.commands import ActivateObjective, AddKeyResult, CreateObjective
from okrank.domain.rankings.scoring import Tier
from okrank.domain.sprints.commands import (
    CloseSprint,
    CreateSprint,
    PlanSprintItem,
    StartSprint,
    UnplanSprintItem,
)
from okrank.domain.sprints.sprint import SprintStatus
from okrank.domain.sprints.team_calendar import team_calendar_id
from okrank.domain.sprints.zombies import ZombieThresholds
from okrank.domain.workspaces.commands import SetZombieThresholds
from okrank.domain.workspaces.workspace import workspace_id

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")
JULY_1, JULY_14, JULY_15, JULY_28 = (date(2026, 7, d) for d in (1, 14, 15, 28))


def goal(app, cycle="2026-Q3", activate=True):
    """An objective of the cycle with one key result: (objective id, key result id)."""
    objective = app.execute(OWNER, CreateObjective(cycle, "Grow activation")).aggregate_id
    app.execute(OWNER, AddKeyResult(objective, "activation %", 20, 35))
    if activate:
        app.execute(OWNER, ActivateObjective(objective))
    return objective, app.repository.get(objective).key_results[0].id


def sprint(app, objective, key_result, start=JULY_1, end=JULY_14, team="Growth", **fields):
    command = CreateSprint(team, "2026-Q3", start, end, "Self-serve signup", objective, key_result)
    for name, value in fields.items():
        command = type(command)(**{**command.__dict__, name: value})
    return app.execute(OWNER, command).aggregate_id


def item(app, objective=None, justified=False):
    ident = app.execute(OWNER, CreateBacklogItem("Signup wizard", team="Growth")).aggregate_id
    if objective is not None:
        app.execute(OWNER, TagBacklogItem(ident, objective, Tier.DIRECT, "moves activation"))
    if justified:
        app.execute(OWNER, JustifyNonStrategic(ident, "security patch"))
    return ident


def events(app):
    return len(app.recorder.select_notifications(start=1, limit=10_000))


def refused(app, actor, command, error=ValidationError):
    """The command's typed refusal; nothing was recorded."""
    before = events(app)
    with pytest.raises(error) as caught:
        app.execute(actor, command)
    assert events(app) == before
    return caught.value


def test_a_sprint_is_created_planned_with_its_goal_key_result_and_holds_its_dates(app):
    objective, key_result = goal(app)
    result = app.execute(
        OWNER, CreateSprint(" Growth ", "2026-Q3", JULY_1, JULY_14, "Signup", objective, key_result)
    )
    saved = app.repository.get(result.aggregate_id)
    assert (saved.team, saved.cycle, saved.start_date, saved.end_date) == (
        "Growth",
        "2026-Q3",
        "2026-07-01",
        "2026-07-14",
    )
    assert (saved.goal_objective_id, saved.goal_key_result_id) == (objective, key_result)
    assert saved.status == SprintStatus.PLANNED and saved.items == []
    calendar = app.repository.get(team_calendar_id("w", "Growth"))
    assert calendar.ranges == {saved.id: ["2026-07-01", "2026-07-14"]}
    assert result.topics == {
        "domain.sprint:Sprint.Created",
        "domain.team_calendar:TeamCalendar.Created",
        "domain.team_calendar:TeamCalendar.SprintScheduled",
    }


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"end_date": date(2026, 6, 30)}, ["endDate"]),
        ({"team": " "}, ["team"]),
        ({"cycle": "Q3"}, ["cycle"]),
        ({"goal": ""}, ["goal"]),
        ({"goal": "g" * 501}, ["goal"]),
    ],
)
def test_create_sprint_refuses_bad_fields_by_name_and_records_nothing(app, fields, path):
    objective, key_result = goal(app)
    command = CreateSprint("Growth", "2026-Q3", JULY_1, JULY_14, "Signup", objective, key_result)
    command = CreateSprint(**{**command.__dict__, **fields})
    assert refused(app, OWNER, command).path == path


def test_the_goal_must_be_a_key_result_of_an_open_objective_of_the_sprints_cycle(app):
    objective, key_result = goal(app)
    other_cycle, other_key_result = goal(app, cycle="2026-Q4")
    base = CreateSprint("Growth", "2026-Q3", JULY_1, JULY_14, "Signup", objective, key_result)
    mismatched = CreateSprint(**{**base.__dict__, "goal_key_result_id": other_key_result})
    assert refused(app, OWNER, mismatched).path == ["goalKeyResultId"]
    of_q4 = CreateSprint(
        **{
            **base.__dict__,
            "goal_objective_id": other_cycle,
            "goal_key_result_id": other_key_result,
        }
    )
    assert "2026-Q4" in refused(app, OWNER, of_q4).message
    refused(app, STRANGER, base, NotFoundError)  # another workspace's objective


def test_sprints_of_one_team_may_not_overlap_while_other_teams_and_later_dates_may(app):
    objective, key_result = goal(app)
    first = sprint(app, objective, key_result)
    overlapping = CreateSprint("Growth", "2026-Q3", JULY_14, JULY_28, "More", objective, key_result)
    assert refused(app, OWNER, overlapping).path == ["startDate"]
    sprint(app, objective, key_result, JULY_15, JULY_28)
    sprint(app, objective, key_result, team="Platform")
    ranges = app.repository.get(team_calendar_id("w", "Growth")).ranges
    assert ranges[first] == ["2026-07-01", "2026-07-14"] and len(ranges) == 2


def test_of_two_concurrent_overlapping_creations_exactly_one_succeeds(app):
    objective, key_result = goal(app)
    barrier, outcomes = threading.Barrier(2), []
    saving = app.save_together

    def save_together_after_both_checked(*aggregates):
        barrier.wait(timeout=10)  # both have read the calendar before either saves
        return saving(*aggregates)

    app.save_together = save_together_after_both_checked

    def create():
        try:
            outcomes.append(sprint(app, objective, key_result))
        except ValidationError as exc:  # the loser's retry finds the winner's dates
            outcomes.append(exc)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(outcomes) == 2 and len(refusals) == 1 and refusals[0].path == ["startDate"]
    assert len(app.repository.get(team_calendar_id("w", "Growth")).ranges) == 1


def test_planning_an_eligible_item_records_no_override_and_unplanning_removes_it(app):
    objective, key_result = goal(app)
    ident = sprint(app, objective, key_result)
    tagged, justified = item(app, objective), item(app, justified=True)
    app.execute(OWNER, PlanSprintItem(ident, tagged))
    app.execute(OWNER, PlanSprintItem(ident, justified))
    assert app.repository.get(ident).items == [tagged, justified]
    assert refused(app, OWNER, PlanSprintItem(ident, tagged)).path == ["backlogItemId"]
    app.execute(OWNER, UnplanSprintItem(ident, tagged, reason="too big"))
    assert app.repository.get(ident).items == [justified]
    assert refused(app, OWNER, UnplanSprintItem(ident, tagged)).path == ["backlogItemId"]


def test_an_ineligible_item_is_refused_naming_the_eligibility_rule(app):
    objective, key_result = goal(app)
    draft, _ = goal(app, activate=False)
    ident = sprint(app, objective, key_result)
    for ineligible in (item(app), item(app, draft)):  # untagged; tagged to a DRAFT objective
        error = refused(app, OWNER, PlanSprintItem(ident, ineligible))
        assert error.path == ["backlogItemId"] and "eligibility rule" in error.message


def test_an_owner_overrides_the_rule_with_a_reason_that_the_event_keeps(app):
    objective, key_result = goal(app)
    ident, untagged = sprint(app, objective, key_result), item(app)
    app.execute(OWNER, PlanSprintItem(ident, untagged, " legal deadline ", may_override=True))
    planned = [e for e in app.repository.get(ident).collect_events()] or None
    assert planned is None  # saved: nothing pending
    stored = app.recorder.select_notifications(start=1, limit=10_000)[-1]
    event = app.mapper.to_domain_event(stored)
    assert (type(event).__name__, event.item_id, event.override_reason, event.actor) == (
        "ItemPlanned",
        untagged,
        "legal deadline",
        "owner",
    )


@pytest.mark.parametrize(
    ("override", "may_override", "error", "path"),
    [
        ("  ", True, ValidationError, ["overrideReason"]),  # an override without a reason
        ("legal deadline", False, PermissionDeniedError, None),  # a MEMBER cannot override
    ],
)
def test_an_override_needs_a_reason_and_the_right_to_override(
    app, override, may_override, error, path
):
    objective, key_result = goal(app)
    ident, untagged = sprint(app, objective, key_result), item(app)
    caught = refused(app, OWNER, PlanSprintItem(ident, untagged, override, may_override), error)
    if path is None:
        assert set(caught.required_roles) == {"ADMIN", "PRODUCT_OWNER"}
    else:
        assert caught.path == path


def test_an_eligible_item_is_planned_without_an_override(app):
    objective, key_result = goal(app)
    ident = sprint(app, objective, key_result)
    command = PlanSprintItem(ident, item(app, objective), "because", may_override=True)
    assert refused(app, OWNER, command).path == ["overrideReason"]


def test_planning_refuses_done_items_and_items_of_another_workspace(app):
    objective, key_result = goal(app)
    ident, done = sprint(app, objective, key_result), item(app, objective)
    app.execute(OWNER, ChangeBacklogItemStatus(done, ItemStatus.DONE))
    assert refused(app, OWNER, PlanSprintItem(ident, done)).path == ["backlogItemId"]
    theirs = app.execute(STRANGER, CreateBacklogItem("Theirs")).aggregate_id
    refused(app, OWNER, PlanSprintItem(ident, theirs), NotFoundError)
    refused(app, STRANGER, PlanSprintItem(ident, theirs), NotFoundError)  # not their sprint
    refused(app, OWNER, PlanSprintItem(ident, uuid4()), NotFoundError)


def test_a_sprint_runs_planned_active_closed_and_its_close_records_done_and_carried_over(app):
    objective, key_result = goal(app)
    ident = sprint(app, objective, key_result)
    done, open_ = item(app, objective), item(app, objective)
    app.execute(OWNER, PlanSprintItem(ident, done))
    refused(app, OWNER, CloseSprint(ident), ConflictError)  # not started
    app.execute(OWNER, StartSprint(ident))
    refused(app, OWNER, StartSprint(ident), ConflictError)
    app.execute(OWNER, PlanSprintItem(ident, open_))  # scope may change while it runs
    app.execute(OWNER, ChangeBacklogItemStatus(done, ItemStatus.DONE))
    app.execute(OWNER, CloseSprint(ident, expected_version=4))
    closed = app.repository.get(ident)
    assert closed.status == SprintStatus.CLOSED
    event = app.mapper.to_domain_event(app.recorder.select_notifications(start=1, limit=9999)[-1])
    assert (event.done, event.carried_over) == ([done], [open_])
    refused(app, OWNER, CloseSprint(ident), ConflictError)


def test_nothing_can_be_planned_into_or_unplanned_from_a_closed_sprint(app):
    objective, key_result = goal(app)
    ident, planned = sprint(app, objective, key_result), item(app, objective)
    app.execute(OWNER, PlanSprintItem(ident, planned))
    app.execute(OWNER, StartSprint(ident))
    app.execute(OWNER, CloseSprint(ident))
    another = item(app, objective)
    assert refused(app, OWNER, PlanSprintItem(ident, another)).path == ["sprintId"]
    assert refused(app, OWNER, UnplanSprintItem(ident, planned)).path == ["sprintId"]


def test_a_stale_expected_version_is_a_conflict(app):
    objective, key_result = goal(app)
    ident = sprint(app, objective, key_result)
    refused(app, OWNER, StartSprint(ident, expected_version=7), ConflictError)


def test_zombie_thresholds_default_to_three_sprints_or_one_cycle_and_an_admin_sets_them(app):
    assert app.find(workspace_id("w")) is None
    app.execute(OWNER, SetZombieThresholds(ZombieThresholds(5, 2), "two-week sprints"))
    assert app.repository.get(workspace_id("w")).zombie_thresholds == ZombieThresholds(5, 2)
    assert ZombieThresholds() == ZombieThresholds(3, 1)


@pytest.mark.parametrize(
    ("thresholds", "reason", "path"),
    [
        (ZombieThresholds(0, 1), "r", ["sprints"]),
        (ZombieThresholds(3, 21), "r", ["cycles"]),
        (ZombieThresholds(3, 1), "", ["reason"]),
    ],
)
def test_zombie_thresholds_refuse_out_of_range_values_by_name(app, thresholds, reason, path):
    assert refused(app, OWNER, SetZombieThresholds(thresholds, reason)).path == path
