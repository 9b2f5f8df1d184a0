"""Grading key results, objectives and a team's cycle: the one home of the arithmetic.

A key result's progress is how far its latest value has moved from the baseline toward the
target, as a share of the whole way: (value − baseline) / (target − baseline). The same formula
serves a key result that aims down (target < baseline: both differences are negative). Progress
is kept unclamped (overshooting gives more than 1, moving the wrong way less than 0); the grade
is progress clamped to 0–1. OKRs are stretch goals: 0.7 is a good grade, not a failure.

An objective's grade is the mean of its key results' grades, a key result never checked in
counting 0 (it is still at its baseline as far as anyone has measured). A team's attainment in
a cycle is the mean of the grades of its objectives that have key results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

GOOD_GRADE = 0.7  # the stretch-goal grade the seeds call success


def progress(baseline: float, target: float, value: float) -> float:
    """The unclamped share of the way from baseline to target (target ≠ baseline)."""
    return (value - baseline) / (target - baseline)


def clamped(share: float) -> float:
    return min(1.0, max(0.0, share))


def grade(baseline: float, target: float, value: float | None) -> float:
    """A key result's grade, 0–1; one never checked in (`value` None) grades 0."""
    return 0.0 if value is None else clamped(progress(baseline, target, value))


def mean_grade(grades: Sequence[float]) -> float | None:
    """An objective's grade from its key results' grades; None for no key results."""
    return sum(grades) / len(grades) if grades else None


def attainment(objective_grades: Iterable[float | None]) -> float | None:
    """A team's attainment in a cycle: the mean grade of its graded objectives, or None."""
    graded = [g for g in objective_grades if g is not None]
    return mean_grade(graded)
