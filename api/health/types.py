"""GraphQL types of health metrics: the metric, its thresholds, its traffic light, readings."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import history_field
from okrank.api.graphql.node import Node, aggregate_fields
from okrank.api.graphql.pagination import keyset_page, list_types
from okrank.api.graphql.rows import from_row
from okrank.api.health import reads
from okrank.api.okrs.types import KeyResult, Objective, load_key_result, load_objective
from okrank.domain.health.traffic_light import Direction, TrafficLight

TrafficLightEnum = strawberry.enum(
    TrafficLight,
    name="TrafficLight",
    description="A health metric's status: GREEN (healthy), AMBER (watch it), RED (act).",
)
DirectionEnum = strawberry.enum(
    Direction,
    name="HealthDirection",
    description="Which way a health metric is better: HIGHER_IS_BETTER (uptime) or "
    "LOWER_IS_BETTER (latency, churn).",
)


def light(r: Any) -> TrafficLight | None:
    """The traffic light of a row's `status` column, if any."""
    return None if r["status"] is None else TrafficLight(r["status"])


@strawberry.type(
    description="Where a health metric's light changes. Higher is better: a value at or above "
    "`green` is GREEN, at or above `amber` AMBER, below it RED; lower is better mirrors this. "
    "A value on a threshold takes that threshold's colour."
)
class HealthThresholds:
    direction: DirectionEnum = strawberry.field(description="Which way is better.")
    green: float = strawberry.field(description="GREEN from here on, towards better.")
    amber: float = strawberry.field(description="AMBER from here to `green`; RED beyond.")


@strawberry.type(
    description="One reading of a health metric: a value, an explicit status, or both."
)
class HealthReading:
    value: float | None = strawberry.field(description="The value measured, if one was given.")
    status: TrafficLightEnum | None = strawberry.field(
        description="The light it gave: the explicit status if one was given, else from the "
        "thresholds; null without either."
    )
    explicit: bool = strawberry.field(
        description="The status was given by a person (with a note), not computed."
    )
    note: str = strawberry.field(description="Why ('' if none).")
    recorded_by: str = strawberry.field(description="Subject who recorded it.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")
    version: int = strawberry.field(description="The metric's version after this reading.")

    @classmethod
    def from_row(cls, r: Any) -> HealthReading:
        return from_row(
            cls,
            r,
            status=light(r),
            recorded_by=r["actor"],
            recorded_at=r["at"],
            version=r["metric_version"],
        )


HealthReadingEdge, HealthReadingConnection = list_types(
    HealthReading, "reading", page_about="A page of a health metric's readings, newest first."
)


@strawberry.type(
    description="A metric a team keeps in sight beside its OKRs (often a key result that was "
    "met and must stay met), as a traffic light."
)
@aggregate_fields(created_at="When it was defined.", created_by="Subject who defined it.")
class HealthMetric(Node):
    name: str = strawberry.field(description="What is measured, e.g. 'p95 checkout latency'.")
    unit: str = strawberry.field(description="Unit of the value ('' if none).")
    team: str | None = strawberry.field(description="The team keeping it, or null.")
    thresholds: HealthThresholds | None = strawberry.field(
        description="Where the light changes; null: only explicit statuses give a light."
    )
    status: TrafficLightEnum | None = strawberry.field(
        description="The current light (the latest reading's); null before any reading gave one."
    )
    latest_value: float | None = strawberry.field(description="The latest value recorded.")
    last_recorded_at: datetime | None = strawberry.field(description="When it was last recorded.")
    archived: bool = strawberry.field(description="No longer kept in sight; takes no readings.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> HealthMetric:
        thresholds = None
        if r["direction"] is not None:
            thresholds = HealthThresholds(
                direction=Direction(r["direction"]), green=r["green"], amber=r["amber"]
            )
        return from_row(cls, r, team=r["team"] or None, thresholds=thresholds, status=light(r))

    history = history_field(lambda metric, info: metric.row["id"])

    @strawberry.field(description="The objective whose key result this metric used to be.")
    async def origin_objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["origin_objective_id"])

    @strawberry.field(description="The key result this metric used to be, if any.")
    async def origin_key_result(self, info: Info) -> KeyResult | None:
        r = self.row
        return await load_key_result(info, r["origin_objective_id"], r["origin_key_result_id"])

    @strawberry.field(description="Readings, newest first.")
    async def readings(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> HealthReadingConnection:
        types = (HealthReadingConnection, HealthReadingEdge, HealthReading.from_row, "position")
        pool, metric = info.context.pool, self.row["id"]
        return await keyset_page(reads.readings_page, pool, metric, types, first, after)


async def load_health_metrics(info: Info, ids: list[UUID]) -> list[HealthMetric]:
    """The metrics of the caller's workspace among `ids`, in `ids`' order."""
    rows = {
        r["id"]: r
        for r in await reads.metrics_by_id(info.context.pool, info.context.workspace, ids)
    }
    return [HealthMetric.from_row(rows[i]) for i in ids if i in rows]


async def load_health_metric(info: Info, metric_id: UUID) -> HealthMetric | None:
    found = await load_health_metrics(info, [metric_id])
    return found[0] if found else None


HealthMetricEdge, HealthMetricConnection = list_types(
    HealthMetric, "health metric", page_about="A page of health metrics, oldest first."
)
