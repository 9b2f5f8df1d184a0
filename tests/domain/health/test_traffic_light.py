"""The traffic-light rule of a health metric: bands by direction, values on a threshold, and
thresholds that contradict each other."""

from __future__ import annotations

import math

import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.health.traffic_light import (
    Direction,
    Thresholds,
    TrafficLight,
    light_of,
    validated_thresholds,
)

HIGHER = Thresholds(Direction.HIGHER_IS_BETTER, green=99.5, amber=99.0)  # uptime %
LOWER = Thresholds(Direction.LOWER_IS_BETTER, green=200, amber=500)  # p95 latency ms


@pytest.mark.parametrize(
    ("value", "light"),
    [
        (99.9, TrafficLight.GREEN),
        (99.5, TrafficLight.GREEN),  # on the green threshold: green
        (99.2, TrafficLight.AMBER),
        (99.0, TrafficLight.AMBER),  # on the amber threshold: amber
        (98.0, TrafficLight.RED),
    ],
)
def test_higher_is_better_is_green_from_green_down_to_amber_then_red(value, light):
    assert light_of(value, HIGHER) == light


@pytest.mark.parametrize(
    ("value", "light"),
    [
        (120, TrafficLight.GREEN),
        (200, TrafficLight.GREEN),
        (350, TrafficLight.AMBER),
        (500, TrafficLight.AMBER),
        (501, TrafficLight.RED),
    ],
)
def test_lower_is_better_mirrors_the_bands(value, light):
    assert light_of(value, LOWER) == light


def test_equal_thresholds_leave_no_amber_band():
    t = validated_thresholds(Direction.HIGHER_IS_BETTER, 10, 10)
    assert [light_of(v, t) for v in (10, 9.99)] == [TrafficLight.GREEN, TrafficLight.RED]


@pytest.mark.parametrize(
    ("direction", "green", "amber"),
    [(Direction.HIGHER_IS_BETTER, 90, 95), (Direction.LOWER_IS_BETTER, 500, 200)],
)
def test_amber_beyond_green_in_the_wrong_direction_is_refused_naming_amber(direction, green, amber):
    with pytest.raises(ValidationError) as refused:
        validated_thresholds(direction, green, amber)
    assert refused.value.path == ["thresholds", "amber"]


@pytest.mark.parametrize(
    ("green", "amber", "path"),
    [(math.inf, 1, "green"), (1, math.nan, "amber"), (1e13, 1, "green"), ("1", 1, "green")],
)
def test_non_finite_or_out_of_bounds_thresholds_are_refused_by_name(green, amber, path):
    with pytest.raises(ValidationError) as refused:
        validated_thresholds(Direction.HIGHER_IS_BETTER, green, amber)
    assert refused.value.path == ["thresholds", path]
