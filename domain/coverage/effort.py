"""An item's estimated effort: its RICE effort, else its WSJF job size, else none. The two
measures are in the units each method uses (RICE: person-months or points; WSJF: relative job
size), so a backlog mixing them sums both as given."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EffortMeasure(StrEnum):
    RICE_EFFORT = "RICE_EFFORT"
    WSJF_JOB_SIZE = "WSJF_JOB_SIZE"
    NONE = "NONE"  # neither is set: the item counts in item shares, with no effort


def effort_measure(has_rice_effort: bool, has_job_size: bool) -> EffortMeasure:
    """Which estimate stands for the item's effort: RICE effort wins when both are set."""
    if has_rice_effort:
        return EffortMeasure.RICE_EFFORT
    return EffortMeasure.WSJF_JOB_SIZE if has_job_size else EffortMeasure.NONE


@dataclass(frozen=True)
class Estimate:
    measure: EffortMeasure
    value: float | None  # None when the measure is NONE


def estimated_effort(rice_effort: float | None, job_size: float | None) -> Estimate:
    measure = effort_measure(rice_effort is not None, job_size is not None)
    value = {EffortMeasure.RICE_EFFORT: rice_effort, EffortMeasure.WSJF_JOB_SIZE: job_size}
    return Estimate(measure, value.get(measure))
