"""Health metric commands through `OkrankApplication.execute`, in memory: definition with
thresholds and an origin key result, readings by value or explicit status, archiving, and each
refusal changing nothing."""

from __future__ import annotations

import math
from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.health.commands import (
    ArchiveHealthMetric,
    CreateHealthMetric,
    MetricThresholds,
    RecordHealthMetric,
)
from okrank.domain.health.traffic_light import Direction, TrafficLight
from okrank.domain.okrs.commands import AddKeyResult, CreateObjective

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")
UPTIME = MetricThresholds(Direction.HIGHER_IS_BETTER, green=99.5, amber=99.0)


def metric(app, **fields):
    fields.setdefault("thresholds", UPTIME)
    return app.execute(OWNER, CreateHealthMetric("Uptime", team="Growth", **fields)).aggregate_id


def objective_with_key_result(app):
    o = app.execute(OWNER, CreateObjective("2026-Q2", "Reliable")).aggregate_id
    app.execute(OWNER, AddKeyResult(o, "uptime", 98, 99.5))
    return o, app.repository.get(o).key_results[0].id


def test_a_metric_is_defined_with_its_thresholds_and_the_key_result_it_used_to_be(app):
    o, kr = objective_with_key_result(app)
    m = app.repository.get(metric(app, unit="%", origin_objective_id=o, origin_key_result_id=kr))
    assert (m.name, m.team, m.unit, m.workspace) == ("Uptime", "Growth", "%", "w")
    assert (m.direction, m.green, m.amber) == ("HIGHER_IS_BETTER", 99.5, 99.0)
    assert (m.origin_objective_id, m.origin_key_result_id, m.status) == (o, kr, None)


def test_a_value_takes_its_light_from_the_thresholds(app):
    m = metric(app)
    app.execute(OWNER, RecordHealthMetric(m, value=99.7))
    assert app.repository.get(m).status == "GREEN"
    result = app.execute(OWNER, RecordHealthMetric(m, value=99.2, expected_version=2))
    assert app.repository.get(m).status == "AMBER" and result.version == 3


def test_an_explicit_status_wins_and_needs_a_note(app):
    m = metric(app)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, RecordHealthMetric(m, status=TrafficLight.RED))
    assert refused.value.path == ["note"]
    app.execute(OWNER, RecordHealthMetric(m, value=99.9, status=TrafficLight.RED, note="outage"))
    assert app.repository.get(m).status == "RED"


def test_a_metric_without_thresholds_has_no_light_until_one_is_given(app):
    m = metric(app, thresholds=None)
    app.execute(OWNER, RecordHealthMetric(m, value=3))
    assert app.repository.get(m).status is None
    app.execute(OWNER, RecordHealthMetric(m, status=TrafficLight.AMBER, note="trending down"))
    assert app.repository.get(m).status == "AMBER"


@pytest.mark.parametrize(
    ("reading", "path"),
    [
        ({}, ["value"]),
        ({"value": math.inf}, ["value"]),
        ({"value": math.nan}, ["value"]),
        ({"value": 1e13}, ["value"]),
        ({"value": 1, "note": "x" * 2001}, ["note"]),
    ],
)
def test_a_bad_reading_is_refused_by_name_and_changes_nothing(app, reading, path):
    m = metric(app)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, RecordHealthMetric(m, **reading))
    assert refused.value.path == path
    assert app.repository.get(m).version == 1


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        (
            {"thresholds": MetricThresholds(Direction.HIGHER_IS_BETTER, 90, 95)},
            ["thresholds", "amber"],
        ),
        (
            {"thresholds": MetricThresholds(Direction.LOWER_IS_BETTER, 1, math.inf)},
            ["thresholds", "amber"],
        ),
        ({"name": " "}, ["name"]),
        ({"unit": "u" * 41}, ["unit"]),
        ({"team": "t" * 101}, ["team"]),
        ({"origin_objective_id": uuid4()}, ["origin"]),
    ],
)
def test_a_bad_definition_is_refused_by_name(app, fields, path):
    command = CreateHealthMetric(**{"name": "Uptime", **fields})
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, command)
    assert refused.value.path == path


def test_an_unknown_origin_key_result_is_refused_naming_it(app):
    o, _ = objective_with_key_result(app)
    with pytest.raises(ValidationError) as refused:
        metric(app, origin_objective_id=o, origin_key_result_id=uuid4())
    assert refused.value.path == ["origin", "keyResultId"]
    with pytest.raises(NotFoundError):
        app.execute(
            STRANGER,
            CreateHealthMetric("Theirs", origin_objective_id=o, origin_key_result_id=uuid4()),
        )


def test_an_archived_metric_takes_no_readings(app):
    m = metric(app)
    with pytest.raises(ValidationError):
        app.execute(OWNER, ArchiveHealthMetric(m, reason=""))
    app.execute(OWNER, ArchiveHealthMetric(m, reason="no longer a concern"))
    with pytest.raises(ConflictError):
        app.execute(OWNER, RecordHealthMetric(m, value=99.9))
    with pytest.raises(ConflictError):
        app.execute(OWNER, ArchiveHealthMetric(m, reason="again"))


def test_another_workspaces_metric_is_not_found(app):
    m = metric(app)
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, RecordHealthMetric(m, value=1))
    with pytest.raises(NotFoundError):
        app.record_health_metric(OWNER, uuid4(), value=1)
