"""How each health metric command loads, changes and saves."""

from __future__ import annotations

from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer
from okrank.domain.errors import ValidationError
from okrank.domain.health.commands import (
    ArchiveHealthMetric,
    CreateHealthMetric,
    RecordHealthMetric,
)
from okrank.domain.health.metric import HealthMetric
from okrank.domain.health.traffic_light import validated_thresholds
from okrank.domain.okrs.objective import Objective
from okrank.domain.text import optional_text, require_reason, require_text, team_name

NAME_MAX = 200
UNIT_MAX = 40


def create_health_metric(
    store: Aggregates, actor: Actor, command: CreateHealthMetric
) -> CommandResult:
    c = command
    name = require_text("name", c.name, NAME_MAX)
    unit = optional_text("unit", c.unit, UNIT_MAX)
    team = team_name(c.team)
    thresholds = None
    if c.thresholds is not None:
        t = c.thresholds
        thresholds = validated_thresholds(t.direction, t.green, t.amber)
    if (c.origin_objective_id is None) != (c.origin_key_result_id is None):
        raise ValidationError("origin", "name both the objective and its key result, or neither")
    if c.origin_objective_id is not None:
        objective = store.load(Objective, c.origin_objective_id, actor, "Objective")
        if objective.key_result(c.origin_key_result_id) is None:
            raise ValidationError(
                "origin.keyResultId", "key result does not belong to the objective"
            )
    metric = HealthMetric(
        workspace=actor.workspace,
        team=team,
        name=name,
        unit=unit,
        direction=None if thresholds is None else thresholds.direction.value,
        green=None if thresholds is None else thresholds.green,
        amber=None if thresholds is None else thresholds.amber,
        origin_objective_id=c.origin_objective_id,
        origin_key_result_id=c.origin_key_result_id,
        actor=actor.subject,
    )
    return store.save_new(metric)


_changed = changer(HealthMetric, lambda command: command.metric_id)


def record_health_metric(
    store: Aggregates, actor: Actor, command: RecordHealthMetric
) -> CommandResult:
    c = command
    return _changed(store, actor, c, lambda m: m.record(c.value, c.status, c.note, actor.subject))


def archive_health_metric(
    store: Aggregates, actor: Actor, command: ArchiveHealthMetric
) -> CommandResult:
    reason = require_reason(command.reason)
    return _changed(store, actor, command, lambda m: m.archive(reason, actor.subject))


HANDLERS: Handlers = {
    CreateHealthMetric: create_health_metric,
    RecordHealthMetric: record_health_metric,
    ArchiveHealthMetric: archive_health_metric,
}
