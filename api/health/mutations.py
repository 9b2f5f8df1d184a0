"""Health metric mutations: define a metric, record a reading, archive it."""

from __future__ import annotations

from typing import Any

import strawberry

from okrank.api.commands.committed import state_success
from okrank.api.commands.inputs import command_of, need_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.health import reads
from okrank.api.health.types import DirectionEnum, HealthMetric, TrafficLightEnum
from okrank.domain.bounds import spelt
from okrank.domain.health import commands
from okrank.domain.health.traffic_light import HEALTH_VALUE_MAX

BOUND = f"at most {spelt(HEALTH_VALUE_MAX)} either side of 0"


HealthMetricSuccess, metric_success = state_success(
    HealthMetric, "health_metric", reads.metrics_by_id, "The health metric after the change."
)
HealthMetricPayload = payload(
    "HealthMetricPayload", "The health metric, or why nothing changed.", HealthMetricSuccess
)


@strawberry.input(
    description="Where the light changes: higher is better, amber must not be above green; "
    "lower is better, amber must not be below green."
)
class HealthThresholdsInput:
    direction: DirectionEnum = strawberry.field(description="Which way is better.")
    green: float = strawberry.field(description=f"GREEN from here on ({BOUND}).")
    amber: float = strawberry.field(description=f"AMBER from here to green ({BOUND}).")


@strawberry.input(description="The key result a health metric used to be.")
class HealthMetricOriginInput:
    objective_id: strawberry.ID = strawberry.field(description="The key result's objective.")
    key_result_id: strawberry.ID = strawberry.field(description="The key result.")


@strawberry.input(description="A new health metric of a team.")
class CreateHealthMetricInput:
    name: str = strawberry.field(description="What is measured (1–200 characters).")
    team: str | None = strawberry.field(default=None, description="The team keeping it.")
    unit: str | None = strawberry.field(default=None, description="Unit of the value.")
    thresholds: HealthThresholdsInput | None = strawberry.field(
        default=None, description="Where the light changes; without, only explicit statuses."
    )
    origin: HealthMetricOriginInput | None = strawberry.field(
        default=None, description="The key result it used to be, if any."
    )

    def command(self) -> commands.CreateHealthMetric:
        t, o = self.thresholds, self.origin
        return command_of(
            self,
            commands.CreateHealthMetric,
            thresholds=None
            if t is None
            else commands.MetricThresholds(t.direction, t.green, t.amber),
            origin_objective_id=None
            if o is None
            else need_id(o.objective_id, "Objective", "origin.objectiveId"),
            origin_key_result_id=None
            if o is None
            else need_id(o.key_result_id, "KeyResult", "origin.keyResultId"),
        )


def metric_id(input: Any) -> Any:
    return need_id(input.health_metric_id, "HealthMetric", "healthMetricId")


@strawberry.input(
    description="A reading: a value (its light from the thresholds), or an explicit status "
    "with a note (which wins over the thresholds), or both."
)
@versioned
class RecordHealthMetricInput:
    health_metric_id: strawberry.ID = strawberry.field(description="The health metric.")
    value: float | None = strawberry.field(default=None, description=f"The value ({BOUND}).")
    status: TrafficLightEnum | None = strawberry.field(
        default=None, description="An explicit status; needs a note."
    )
    note: str | None = strawberry.field(default=None, description="Why (up to 2,000 characters).")

    def command(self) -> commands.RecordHealthMetric:
        return command_of(self, commands.RecordHealthMetric, metric_id=metric_id(self))


@strawberry.input(description="Stop keeping a health metric in sight.")
@versioned
class ArchiveHealthMetricInput:
    health_metric_id: strawberry.ID = strawberry.field(description="The health metric.")
    reason: str = strawberry.field(description="Why it is no longer watched.")

    def command(self) -> commands.ArchiveHealthMetric:
        return command_of(self, commands.ArchiveHealthMetric, metric_id=metric_id(self))


@strawberry.type(description="Health metric commands.")
class HealthMutations:
    create_health_metric = command_mutation(
        CreateHealthMetricInput,
        HealthMetricPayload,
        metric_success,
        "Define a health metric of a team, with optional thresholds and origin key result.",
    )
    record_health_metric = command_mutation(
        RecordHealthMetricInput,
        HealthMetricPayload,
        metric_success,
        "Record a reading: the metric's light is now the reading's.",
    )
    archive_health_metric = command_mutation(
        ArchiveHealthMetricInput,
        HealthMetricPayload,
        metric_success,
        "Archive a health metric: it takes no more readings and leaves the default lists.",
    )
