"""Numeric limits of every number a client sends, and the one check that applies them.

Each limit keeps every value computed from it finite: the largest RICE score is
REACH_MAX × 3 × 1 / EFFORT_MIN = 3e11, times a multiplier of at most MULTIPLIER_MAX: 3e13. A
non-finite value in an event would break every later read of the workspace ("Float cannot
represent non numeric value: inf"), so nothing outside these limits is ever emitted.
"""

from __future__ import annotations

import math

from okrank.domain.errors import ValidationError

REACH_MAX = 1e9  # people or events per period
EFFORT_MIN, EFFORT_MAX = 0.01, 1e6  # person-weeks (or any unit, consistently)
MULTIPLIER_MAX = 100.0
KEY_RESULT_MAX = 1e12  # |baseline|, |target| and a check-in's |value|
CONFIDENCE_MAX = 1.0  # a check-in's confidence of reaching the target, from 0
PRICE_MAX = 1e9  # Buy a Feature prices
BUDGET_MAX = 1e12  # a Buy a Feature participant's budget
CAPACITY_MAX = 1e9  # a plan's capacity in effort points
MAX_IMPORT_BYTES = 20 * 1024 * 1024  # a CSV file to import (MaxDiff responses, a backlog)


def finite(path: str | list[str], value: object) -> float:
    """`value` as a float, or a ValidationError unless it is a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(path, f"{_name(path)} must be a number")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(path, f"{_name(path)} must be a finite number")
    return number


def bounded(
    path: str | list[str],
    value: object,
    low: float,
    high: float,
    low_open: bool = False,
) -> float:
    """`value` as a finite float in [low, high] ((low, high] with `low_open`)."""
    number = finite(path, value)
    if number > high or number < low or (low_open and number == low):
        left = "(" if low_open else "["
        raise ValidationError(path, f"{_name(path)} must be in {left}{spelt(low)}, {spelt(high)}]")
    return number


def finite_result(path: str | list[str], value: float | None) -> float | None:
    """A computed score must be finite before it is stored; the input limits make this hold,
    and this check keeps it so if a limit is ever loosened."""
    if value is not None and not math.isfinite(value):
        raise ValidationError(path, f"{_name(path)} gives a score that is not a finite number")
    return value


def spelt(limit: float) -> str:
    """A limit as people read it: 1,000,000,000 rather than 1e+09 (schema descriptions too)."""
    return f"{limit:,.0f}" if abs(limit) >= 1 and float(limit).is_integer() else f"{limit:g}"


def _name(path: str | list[str]) -> str:
    return (path if isinstance(path, str) else ".".join(path)).rsplit(".", 1)[-1]
