"""The traffic-light rule of a health metric: its thresholds, their direction, and the status
a value has. One home for the rule: the aggregate validates with it and records its answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from okrank.domain.bounds import KEY_RESULT_MAX, bounded
from okrank.domain.errors import ValidationError

HEALTH_VALUE_MAX = KEY_RESULT_MAX  # |value| and |threshold|: a metric is often a former key result


class TrafficLight(StrEnum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"
    LOWER_IS_BETTER = "LOWER_IS_BETTER"


@dataclass(frozen=True)
class Thresholds:
    """GREEN from `green` on, AMBER from `amber` on (towards better), RED beyond amber.

    Higher is better: value ≥ green is GREEN, ≥ amber is AMBER, below amber RED; so amber must
    not be above green. Lower is better: mirrored (value ≤ green GREEN, ≤ amber AMBER).
    amber == green leaves no amber band."""

    direction: Direction
    green: float
    amber: float


def validated_thresholds(direction: Direction, green: object, amber: object) -> Thresholds:
    """Thresholds whose numbers are finite and in bounds and whose bands are in order, or a
    ValidationError naming the field that contradicts the other."""
    g = bounded("thresholds.green", green, -HEALTH_VALUE_MAX, HEALTH_VALUE_MAX)
    a = bounded("thresholds.amber", amber, -HEALTH_VALUE_MAX, HEALTH_VALUE_MAX)
    if direction == Direction.HIGHER_IS_BETTER and a > g:
        raise ValidationError(
            "thresholds.amber", "when higher is better, amber must not be above green"
        )
    if direction == Direction.LOWER_IS_BETTER and a < g:
        raise ValidationError(
            "thresholds.amber", "when lower is better, amber must not be below green"
        )
    return Thresholds(direction, g, a)


def light_of(value: float, thresholds: Thresholds) -> TrafficLight:
    """The status `value` has under `thresholds` (a value on a threshold gets its colour)."""
    sign = 1.0 if thresholds.direction == Direction.HIGHER_IS_BETTER else -1.0
    if sign * value >= sign * thresholds.green:
        return TrafficLight.GREEN
    if sign * value >= sign * thresholds.amber:
        return TrafficLight.AMBER
    return TrafficLight.RED
