"""Product-level plan: capacity shared between objectives, each walking its own ranking.

Objectives are served in order of their share (largest first, then id); each accepts items from
the top of its ranking while they fit in what is left of its share, skipping (and reporting)
those that do not. An item tagged to several objectives is counted once: it uses the capacity of
the first objective that accepts it, and later objectives pass over it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from okrank.domain.bounds import CAPACITY_MAX, bounded
from okrank.domain.errors import ValidationError

EPSILON = 1e-9


@dataclass
class ObjectivePlan:
    objective: Hashable
    capacity: float
    accepted: list[Hashable] = field(default_factory=list)
    used: float = 0.0

    @property
    def left(self) -> float:
        return self.capacity - self.used


@dataclass
class Plan:
    objectives: list[ObjectivePlan]
    did_not_fit: list[tuple[Hashable, Hashable]]  # (objective, item)
    not_estimated: list[Hashable]
    accepted_by: dict[Hashable, Hashable]  # item → the objective whose capacity it uses


def plan(
    capacity: float,
    allocations: Mapping[Hashable, float],
    rankings: Mapping[Hashable, Sequence[tuple[Hashable, float | None]]],
) -> Plan:
    """`rankings`: per objective, its items best first with their effort (None: unknown)."""
    bounded("capacity", capacity, 0.0, CAPACITY_MAX, low_open=True)
    for objective, share in allocations.items():
        bounded(["allocations", str(objective), "share"], share, 0.0, 1.0)
        if objective not in rankings:
            raise ValidationError(["allocations", str(objective)], "no ranking for this objective")
    if sum(allocations.values()) > 1 + EPSILON:
        raise ValidationError("allocations", "shares must add up to at most 1")
    order = sorted(allocations, key=lambda o: (-allocations[o], str(o)))
    result = Plan([], [], [], {})
    for objective in order:
        part = ObjectivePlan(objective, capacity * allocations[objective])
        for item, effort in rankings[objective]:
            if item in result.accepted_by:
                continue  # counted once, by the first objective that took it
            if effort is None:
                if item not in result.not_estimated:
                    result.not_estimated.append(item)
                continue
            if effort <= part.left + EPSILON:
                part.accepted.append(item)
                part.used += effort
                result.accepted_by[item] = objective
            else:
                result.did_not_fit.append((objective, item))
        result.objectives.append(part)
    accepted = set(result.accepted_by)
    result.did_not_fit = [(o, i) for o, i in result.did_not_fit if i not in accepted]
    result.not_estimated = [i for i in result.not_estimated if i not in accepted]
    return result
