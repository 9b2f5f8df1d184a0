"""HealthMetric aggregate: a team's metric kept in sight beside its OKRs (often a key result
that was met and must stay met), with optional traffic-light thresholds and its readings."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from okrank.domain.bounds import bounded
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.health.traffic_light import (
    HEALTH_VALUE_MAX,
    Direction,
    Thresholds,
    TrafficLight,
    light_of,
)
from okrank.domain.text import optional_text

NOTE_MAX = 2_000


class HealthMetric(Aggregate):
    """State is plain values (strings, floats): the thresholds' direction is a str."""

    @event("Created")
    def __init__(
        self,
        workspace: str,
        team: str,
        name: str,
        unit: str,
        direction: str | None,
        green: float | None,
        amber: float | None,
        origin_objective_id: UUID | None,
        origin_key_result_id: UUID | None,
        actor: str,
    ) -> None:
        self.workspace = workspace
        self.team = team
        self.name = name
        self.unit = unit
        self.direction = direction
        self.green = green
        self.amber = amber
        self.origin_objective_id = origin_objective_id
        self.origin_key_result_id = origin_key_result_id
        self.status: str | None = None
        self.archived = False

    @property
    def thresholds(self) -> Thresholds | None:
        if self.direction is None or self.green is None or self.amber is None:
            return None
        return Thresholds(Direction(self.direction), self.green, self.amber)

    def record(
        self,
        value: float | None,
        status: TrafficLight | None,
        note: str | None,
        actor: str,
    ) -> None:
        """A reading: a value (its light from the thresholds), or an explicit status with a
        note (the person's judgement, which wins over the thresholds)."""
        if self.archived:
            raise ConflictError("health metric is archived; it takes no readings")
        if value is None and status is None:
            raise ValidationError("value", "give a value, or an explicit status with a note")
        number = (
            None if value is None else bounded("value", value, -HEALTH_VALUE_MAX, HEALTH_VALUE_MAX)
        )
        note = optional_text("note", note, NOTE_MAX)
        if status is not None and not note:
            raise ValidationError("note", "an explicit status needs a note saying why")
        thresholds = self.thresholds
        light = status
        if light is None and number is not None and thresholds is not None:
            light = light_of(number, thresholds)
        self._recorded(
            value=number,
            status=None if light is None else TrafficLight(light).value,
            explicit=status is not None,
            note=note,
            actor=actor,
        )

    @event("Recorded")
    def _recorded(
        self, value: float | None, status: str | None, explicit: bool, note: str, actor: str
    ) -> None:
        self.status = status

    def archive(self, reason: str, actor: str) -> None:
        if self.archived:
            raise ConflictError("health metric is already archived")
        self._archived(reason=reason, actor=actor)

    @event("Archived")
    def _archived(self, reason: str, actor: str) -> None:
        self.archived = True
