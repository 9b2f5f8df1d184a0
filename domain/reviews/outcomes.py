"""The outcome audit: for each item done in a cycle, did the key results it was tagged to move?

The seed's first phase of the quarterly review asks, for each completed item, "was the intended
key result metric affected? By how much?". Here:
- The key results an item was tagged to are those of its tags *when it was done* (a tag to one
  key result names it; a tag to an objective alone stands for every key result of the objective),
  each with the tag's tier.
- A key result's value at a moment is its latest check-in at or before it, or its baseline when
  it had none. It is measured at the item's completion and at the window's end: the cycle's end
  plus a lag (shipped features may need weeks to move a metric), or the audit's moment if that
  is earlier (the audit is then provisional).
- It moved when its progress (domain.okrs.grading: direction-aware, unclamped) grew by more than
  MOVE_TOLERANCE between the two moments. Moving the wrong way is not moving.
- An item tagged to key results none of which moved is flagged `reassess`: evidence that the
  theory of change was wrong, not that the team underperformed. An untagged item is never
  flagged (it promised no key result).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any
from uuid import UUID

from okrank.domain.okrs.grading import grade, mean_grade, progress

MOVE_TOLERANCE = 1e-9  # progress (a share of the way) below this is rounding, not movement


@dataclass(frozen=True)
class KeyResultSeries:
    """A key result with its check-ins, oldest first: `(moment, value)`."""

    key_result_id: UUID
    objective_id: UUID
    baseline: float
    target: float
    check_ins: tuple[tuple[datetime, float], ...] = ()

    @cached_property
    def _moments(self) -> list[datetime]:
        return [m for m, _ in self.check_ins]

    def checked_in_value(self, moment: datetime) -> float | None:
        """The latest value checked in at or before `moment`; None if none was."""
        at = bisect_right(self._moments, moment)
        return self.check_ins[at - 1][1] if at else None

    def value_at(self, moment: datetime) -> float:
        value = self.checked_in_value(moment)
        return self.baseline if value is None else value


@dataclass(frozen=True)
class TagAtCompletion:
    """One of a done item's tags as it stood when the item was done."""

    objective_id: UUID
    key_result_id: UUID | None  # None: the objective as a whole
    tier: str  # domain.rankings.scoring.Tier value: DIRECT or INDIRECT


@dataclass(frozen=True)
class DoneItem:
    """An item done in the cycle: when, its effort (domain.coverage.effort), its tags then."""

    item_id: UUID
    title: str
    done_at: datetime
    effort: float | None
    tags: tuple[TagAtCompletion, ...]


@dataclass(frozen=True)
class KeyResultMovement:
    key_result_id: UUID
    objective_id: UUID
    tier: str
    value_at_completion: float
    value_at_window_end: float
    progress_change: float  # share of the way from baseline to target gained (may be < 0)
    moved: bool


@dataclass(frozen=True)
class ItemOutcome:
    item_id: UUID
    title: str
    done_at: datetime
    effort: float | None
    movements: tuple[KeyResultMovement, ...]

    @property
    def tagged(self) -> bool:
        return bool(self.movements)

    @property
    def moved(self) -> bool:
        return any(m.moved for m in self.movements)

    @property
    def reassess(self) -> bool:
        """Shipped, tagged, and none of its key results moved: the theory of change to reassess."""
        return self.tagged and not self.moved


@dataclass(frozen=True)
class ObjectiveAttainment:
    objective_id: UUID
    grade: float | None  # mean of its key results' grades at the window's end; None: no KRs


@dataclass(frozen=True)
class OutcomeAudit:
    """One audit of a cycle, taken at `taken_at`, measuring up to `window_end`."""

    taken_at: datetime
    window_end: datetime
    outcomes: tuple[ItemOutcome, ...]
    objectives: tuple[ObjectiveAttainment, ...]

    @property
    def provisional(self) -> bool:
        """The window had not closed when the audit was taken: values may still move."""
        return self.taken_at < self.window_end

    @property
    def items_done(self) -> int:
        return len(self.outcomes)

    @property
    def effort_done(self) -> float:
        return sum(o.effort or 0.0 for o in self.outcomes)

    def item_ids(self) -> frozenset[UUID]:
        return frozenset(o.item_id for o in self.outcomes)

    def to_record(self) -> dict[str, Any]:
        """The audit as plain JSON values, as the review's event stores it."""
        return {
            "taken_at": self.taken_at.isoformat(),
            "window_end": self.window_end.isoformat(),
            "outcomes": [
                {
                    "item_id": str(o.item_id),
                    "title": o.title,
                    "done_at": o.done_at.isoformat(),
                    "effort": o.effort,
                    "movements": [
                        {
                            "key_result_id": str(m.key_result_id),
                            "objective_id": str(m.objective_id),
                            "tier": m.tier,
                            "value_at_completion": m.value_at_completion,
                            "value_at_window_end": m.value_at_window_end,
                            "progress_change": m.progress_change,
                            "moved": m.moved,
                        }
                        for m in o.movements
                    ],
                }
                for o in self.outcomes
            ],
            "objectives": [
                {"objective_id": str(a.objective_id), "grade": a.grade} for a in self.objectives
            ],
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> OutcomeAudit:
        return cls(
            taken_at=datetime.fromisoformat(record["taken_at"]),
            window_end=datetime.fromisoformat(record["window_end"]),
            outcomes=tuple(
                ItemOutcome(
                    item_id=UUID(o["item_id"]),
                    title=o["title"],
                    done_at=datetime.fromisoformat(o["done_at"]),
                    effort=o["effort"],
                    movements=tuple(
                        KeyResultMovement(
                            key_result_id=UUID(m["key_result_id"]),
                            objective_id=UUID(m["objective_id"]),
                            tier=m["tier"],
                            value_at_completion=m["value_at_completion"],
                            value_at_window_end=m["value_at_window_end"],
                            progress_change=m["progress_change"],
                            moved=m["moved"],
                        )
                        for m in o["movements"]
                    ),
                )
                for o in record["outcomes"]
            ),
            objectives=tuple(
                ObjectiveAttainment(UUID(a["objective_id"]), a["grade"])
                for a in record["objectives"]
            ),
        )


def window_end(cycle_end: datetime, lag: timedelta) -> datetime:
    return cycle_end + lag


def movement(
    series: KeyResultSeries, tier: str, done_at: datetime, end: datetime
) -> KeyResultMovement:
    before, after = series.value_at(done_at), series.value_at(end)
    change = progress(series.baseline, series.target, after) - progress(
        series.baseline, series.target, before
    )
    return KeyResultMovement(
        key_result_id=series.key_result_id,
        objective_id=series.objective_id,
        tier=tier,
        value_at_completion=before,
        value_at_window_end=after,
        progress_change=change,
        moved=change > MOVE_TOLERANCE,
    )


def audit_outcomes(
    items: Iterable[DoneItem],
    key_results: Sequence[KeyResultSeries],
    objective_ids: Iterable[UUID],
    cycle_end: datetime,
    lag: timedelta,
    taken_at: datetime,
) -> OutcomeAudit:
    """The outcome audit of `items` (done in the cycle) against `key_results` (every key result
    their tags name, and those of `objective_ids`, the objectives whose attainment is reported).
    Measures up to the window's end, or `taken_at` if earlier."""
    closes = window_end(cycle_end, lag)
    end = min(closes, taken_at)
    by_id = {s.key_result_id: s for s in key_results}
    by_objective: dict[UUID, list[KeyResultSeries]] = {}
    for s in key_results:
        by_objective.setdefault(s.objective_id, []).append(s)
    outcomes = []
    for item in sorted(items, key=lambda i: (i.done_at, str(i.item_id))):
        movements = []
        for tag in item.tags:
            named = [by_id[tag.key_result_id]] if tag.key_result_id in by_id else []
            for series in named if tag.key_result_id else by_objective.get(tag.objective_id, []):
                movements.append(movement(series, tag.tier, item.done_at, end))
        outcomes.append(
            ItemOutcome(item.item_id, item.title, item.done_at, item.effort, tuple(movements))
        )
    attainment = [
        ObjectiveAttainment(
            objective_id,
            mean_grade(
                [
                    grade(s.baseline, s.target, s.checked_in_value(end))
                    for s in by_objective.get(objective_id, [])
                ]
            ),
        )
        for objective_id in dict.fromkeys(objective_ids)
    ]
    return OutcomeAudit(
        taken_at=taken_at,
        window_end=closes,
        outcomes=tuple(outcomes),
        objectives=tuple(attainment),
    )
