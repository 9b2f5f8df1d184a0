"""Strategy handlers of health metric events: the metric's current light and its readings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Cursor

from okrank.domain.health.metric import HealthMetric


def metric_created(curs: Cursor[Any], e: HealthMetric.Created, pos: int) -> None:
    curs.execute(
        "INSERT INTO health_metrics VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
        " NULL, NULL, NULL, false, %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.team,
            e.name,
            e.unit,
            e.direction,
            e.green,
            e.amber,
            e.origin_objective_id,
            e.origin_key_result_id,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )


def metric_recorded(curs: Cursor[Any], e: HealthMetric.Recorded, pos: int) -> None:
    # A status-only reading keeps the latest value known (the light changes, the number not).
    curs.execute(
        "UPDATE health_metrics SET status = %s, latest_value = coalesce(%s, latest_value),"
        " last_recorded_at = %s, version = %s, updated_at = %s WHERE id = %s",
        (e.status, e.value, e.timestamp, e.originator_version, e.timestamp, e.originator_id),
    )
    curs.execute(
        "INSERT INTO health_readings VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            pos,
            e.originator_id,
            e.value,
            e.status,
            e.explicit,
            e.note,
            e.actor,
            e.timestamp,
            e.originator_version,
        ),
    )


def metric_archived(curs: Cursor[Any], e: HealthMetric.Archived, pos: int) -> None:
    curs.execute(
        "UPDATE health_metrics SET archived = true, version = %s, updated_at = %s WHERE id = %s",
        (e.originator_version, e.timestamp, e.originator_id),
    )


HANDLERS: dict[type, Callable[[Cursor[Any], Any, int], None]] = {
    HealthMetric.Created: metric_created,
    HealthMetric.Recorded: metric_recorded,
    HealthMetric.Archived: metric_archived,
}
