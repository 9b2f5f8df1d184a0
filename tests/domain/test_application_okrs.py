"""Objective commands through `OkrankApplication.execute`, in memory: each success and its
typed failures (not found, conflict, validation)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CheckInKeyResult,
    CloseObjective,
    CreateObjective,
)
from okrank.domain.okrs.objective import Objective, ObjectiveStatus

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")  # the same subject in another workspace


def objective(app, **fields):
    return app.execute(OWNER, CreateObjective("2026-Q3", "Grow", **fields)).aggregate_id


def test_create_objective_saves_a_draft_and_answers_its_position(app):
    result = app.execute(OWNER, CreateObjective("2026-Q3", " Grow ", level="COMPANY"))
    saved = app.repository.get(result.aggregate_id)
    assert (saved.title, saved.status, saved.level.value) == (
        "Grow",
        ObjectiveStatus.DRAFT,
        "COMPANY",
    )
    assert result.version == 1 and result.position == 1
    assert result.topics == {"domain.objective:Objective.Created"}


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"cycle": "Q3"}, ["cycle"]),
        ({"title": ""}, ["title"]),
        ({"level": "GALAXY"}, ["level"]),
        ({"team": "t" * 101}, ["team"]),
    ],
)
def test_create_objective_refuses_invalid_fields_by_name(app, fields, path):
    command = CreateObjective(**{"cycle": "2026-Q3", "title": "Grow", **fields})
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, command)
    assert refused.value.path == path


def test_an_objective_aligns_to_a_parent_of_its_own_workspace_only(app):
    parent = objective(app)
    child = objective(app, parent_id=parent)
    assert app.repository.get(child).parent_id == parent
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, CreateObjective("2026-Q3", "Theirs", parent_id=parent))
    with pytest.raises(NotFoundError):
        objective(app, parent_id=uuid4())


def test_key_results_then_activation_then_closing(app):
    o = objective(app)
    app.execute(OWNER, AddKeyResult(o, "weekly users", 10, 20, unit="k"))
    result = app.execute(OWNER, ActivateObjective(o, expected_version=2))
    assert app.repository.get(o).status == ObjectiveStatus.ACTIVE and result.version == 3
    app.execute(OWNER, CloseObjective(o))
    assert app.repository.get(o).status == ObjectiveStatus.CLOSED


def test_activation_needs_a_key_result(app):
    with pytest.raises(ValidationError):
        app.execute(OWNER, ActivateObjective(objective(app)))


def test_a_key_result_needs_a_target_other_than_its_baseline(app):
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, AddKeyResult(objective(app), "users", 5, 5))
    assert refused.value.path == ["target"]


def test_a_stale_expected_version_is_a_conflict_naming_the_current_one(app):
    o = objective(app)
    with pytest.raises(ConflictError) as refused:
        app.execute(OWNER, AddKeyResult(o, "users", 0, 1, expected_version=7))
    assert refused.value.current_version == 1
    assert app.repository.get(o).version == 1  # nothing changed


def test_closing_twice_is_a_conflict(app):
    o = objective(app)
    app.execute(OWNER, CloseObjective(o))
    with pytest.raises(ConflictError):
        app.execute(OWNER, CloseObjective(o))


@pytest.mark.parametrize("command", [ActivateObjective, CloseObjective])
def test_another_workspaces_objective_is_not_found(app, command):
    o = objective(app)
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, command(o))
    with pytest.raises(NotFoundError):
        app.execute(OWNER, command(uuid4()))


def test_the_shorthand_methods_run_the_same_command(app):
    result = app.create_objective(OWNER, "2026", "Yearly")
    assert isinstance(app.repository.get(result.aggregate_id), Objective)
    with pytest.raises(TypeError):
        app.execute(OWNER, object())


def active_objective(app):
    o = objective(app)
    app.execute(OWNER, AddKeyResult(o, "weekly users", 10, 20))
    app.execute(OWNER, ActivateObjective(o))
    return o, app.repository.get(o).key_results[0].id


def test_a_check_in_records_value_confidence_note_and_actor(app):
    o, kr = active_objective(app)
    result = app.execute(OWNER, CheckInKeyResult(o, kr, 14, 0.6, note=" on track "))
    assert result.topics == {"domain.objective:Objective.KeyResultCheckedIn"}
    (event,) = [
        e for e in app.repository.event_store.get(o) if isinstance(e, Objective.KeyResultCheckedIn)
    ]
    assert (event.key_result_id, event.value, event.confidence, event.note, event.actor) == (
        kr,
        14.0,
        0.6,
        "on track",
        "owner",
    )


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"key_result_id": uuid4()}, ["keyResultId"]),
        ({"confidence": 1.5}, ["confidence"]),
        ({"confidence": -0.1}, ["confidence"]),
        ({"value": float("nan")}, ["value"]),
        ({"value": 1e13}, ["value"]),
        ({"note": "a\x00b"}, ["note"]),
        ({"note": "n" * 2_001}, ["note"]),
    ],
)
def test_a_check_in_refuses_bad_input_by_name_and_changes_nothing(app, fields, path):
    o, kr = active_objective(app)
    command = CheckInKeyResult(
        **{"objective_id": o, "key_result_id": kr, "value": 1.0, "confidence": 0.5, **fields}
    )
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, command)
    assert refused.value.path == path
    assert app.repository.get(o).version == 3


@pytest.mark.parametrize("close", [False, True])
def test_only_an_active_objective_takes_check_ins(app, close):
    o = objective(app)
    app.execute(OWNER, AddKeyResult(o, "weekly users", 10, 20))
    if close:
        app.execute(OWNER, CloseObjective(o))
    kr = app.repository.get(o).key_results[0].id
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, CheckInKeyResult(o, kr, 12, 0.5))
    assert refused.value.path == ["keyResultId"]
    assert "check-ins need an ACTIVE objective" in refused.value.message


def test_another_workspaces_key_result_is_not_found(app):
    o, kr = active_objective(app)
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, CheckInKeyResult(o, kr, 12, 0.5))
