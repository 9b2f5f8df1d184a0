"""Commands on health metrics: define one, record a reading, archive it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okrank.domain.commands import ChangeCommand, Command
from okrank.domain.health.traffic_light import Direction, TrafficLight


@dataclass(frozen=True)
class MetricThresholds:
    """The numbers as sent (validated by domain.health.traffic_light)."""

    direction: Direction
    green: float
    amber: float


@dataclass(frozen=True)
class CreateHealthMetric(Command):
    name: str
    team: str | None = None
    unit: str | None = None
    thresholds: MetricThresholds | None = None
    # The key result this metric used to be: both or neither.
    origin_objective_id: UUID | None = None
    origin_key_result_id: UUID | None = None


@dataclass(frozen=True)
class HealthMetricCommand(ChangeCommand):
    metric_id: UUID


@dataclass(frozen=True)
class RecordHealthMetric(HealthMetricCommand):
    value: float | None = None
    status: TrafficLight | None = None
    note: str | None = None


@dataclass(frozen=True)
class ArchiveHealthMetric(HealthMetricCommand):
    reason: str
