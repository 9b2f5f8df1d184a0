"""Diagnostics of a team's cycle, explained in words: pure rules over facts the API reads.

VELOCITY_WITHOUT_ATTAINMENT is the seed's "velocity is strong but OKR attainment is
consistently below 0.6: the team is shipping well but into the wrong areas". Here:
- Velocity is what the team's closed sprints delivered: items done per sprint (sprint_items
  with outcome DONE) and their effort (domain.coverage.effort). The recent sprints are the team's
  last RECENT_SPRINTS closed sprints that ended before the cycle's end.
- Velocity is strong when at least MIN_SPRINTS recent sprints exist and they delivered at
  least STRONG_COMPLETION of the items planned into them (done / planned, over them together):
  the team delivers what it commits to, whatever its size.
- Attainment of a cycle is the mean grade of the team's objectives of that cycle with check-ins
  as of the cycle's end (domain.okrs.grading, through the outcome audit's rule). It is
  consistently below ATTAINMENT_BAR when each of the last CONSISTENT_CYCLES ended cycles with
  graded objectives (up to the cycle asked about) was below it, and there were that many.

LOOSE_TAGGING: of the cycle's done items tagged DIRECT (at completion) to a key result, the
share whose DIRECT key results none moved (domain.reviews.outcomes decides moving). It applies
when at least MIN_DIRECT_ITEMS such items were done and that share is LOOSE_SHARE or more: at
least half the items that claimed to move a metric directly did not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from okrank.domain.reviews.outcomes import OutcomeAudit

RECENT_SPRINTS = 3
MIN_SPRINTS = 2
STRONG_COMPLETION = 0.8
CONSISTENT_CYCLES = 2
ATTAINMENT_BAR = 0.6  # the seed's
MIN_DIRECT_ITEMS = 3
LOOSE_SHARE = 0.5
DIRECT = "DIRECT"  # domain.rankings.scoring.Tier.DIRECT's value, as the audit stores it


class FactSource(StrEnum):
    DATA = "DATA"  # read from the workspace
    ANSWER = "ANSWER"  # given by the caller


FactValue = float | bool | None  # None: not known (nothing to measure)


@dataclass(frozen=True)
class Fact:
    """One fact a rule looked at: its name, value and where it came from."""

    name: str
    value: FactValue
    source: FactSource = FactSource.DATA

    @classmethod
    def data(cls, name: str, value: FactValue) -> Fact:
        return cls(name, value, FactSource.DATA)


class DiagnosticCode(StrEnum):
    VELOCITY_WITHOUT_ATTAINMENT = "VELOCITY_WITHOUT_ATTAINMENT"
    LOOSE_TAGGING = "LOOSE_TAGGING"


@dataclass(frozen=True)
class SprintDelivery:
    """One closed sprint: items planned into it, items done at its close, their effort."""

    end_date: str  # ISO date
    planned: int
    done: int
    effort_done: float


@dataclass(frozen=True)
class CycleAttainment:
    cycle: str
    attainment: float | None  # None: no graded objective in it


@dataclass(frozen=True)
class Diagnostic:
    code: DiagnosticCode
    applies: bool
    facts: tuple[Fact, ...]
    explanation: str


def recent_sprints(sprints: Sequence[SprintDelivery]) -> list[SprintDelivery]:
    """The last RECENT_SPRINTS of `sprints` (closed, before the cycle's end), oldest first."""
    return sorted(sprints, key=lambda s: s.end_date)[-RECENT_SPRINTS:]


def velocity_facts(sprints: Sequence[SprintDelivery]) -> tuple[bool, list[Fact]]:
    recent = recent_sprints(sprints)
    planned = sum(s.planned for s in recent)
    done = sum(s.done for s in recent)
    completion = done / planned if planned else None
    count = len(recent)
    effort = sum(s.effort_done for s in recent)
    strong = count >= MIN_SPRINTS and completion is not None and completion >= STRONG_COMPLETION
    return strong, [
        Fact.data("recent closed sprints", count),
        Fact.data("items planned in them", planned),
        Fact.data("items done in them", done),
        Fact.data("share of planned items done", completion),
        Fact.data("items done per sprint", done / count if count else None),
        Fact.data("effort done per sprint", effort / count if count else None),
        Fact.data("velocity strong", strong),
    ]


def last_graded(history: Sequence[CycleAttainment]) -> list[CycleAttainment]:
    """The last CONSISTENT_CYCLES cycles of `history` (ended, oldest first) with a grade."""
    return [c for c in history if c.attainment is not None][-CONSISTENT_CYCLES:]


def velocity_without_attainment(
    sprints: Sequence[SprintDelivery], history: Sequence[CycleAttainment]
) -> Diagnostic:
    """The seed's diagnostic: strong velocity, attainment consistently below 0.6."""
    strong, facts = velocity_facts(sprints)
    graded = last_graded(history)
    below = len(graded) == CONSISTENT_CYCLES and all(
        (c.attainment or 0.0) < ATTAINMENT_BAR for c in graded
    )
    facts += [Fact.data(f"attainment of {c.cycle}", c.attainment) for c in graded]
    facts.append(Fact.data("attainment consistently below 0.6", below))
    applies = strong and below
    return Diagnostic(
        DiagnosticCode.VELOCITY_WITHOUT_ATTAINMENT,
        applies,
        tuple(facts),
        velocity_sentence(facts, strong, below, graded, applies),
    )


def velocity_sentence(
    facts: Sequence[Fact],
    strong: bool,
    below: bool,
    graded: Sequence[CycleAttainment],
    applies: bool,
) -> str:
    value = {f.name: f.value for f in facts}
    sprints, done, planned = (
        value["recent closed sprints"],
        value["items done in them"],
        value["items planned in them"],
    )
    delivery = f"{done} of {planned} planned items done over the last {sprints} closed sprints"
    grades = ", ".join(f"{c.cycle}: {c.attainment:.2f}" for c in graded) or "none graded"
    attained = f"attainment of the last ended cycles ({grades})"
    if applies:
        return (
            f"Velocity is strong ({delivery}) but {attained} was below 0.6 in each: the team is "
            "shipping well but into the wrong areas."
        )
    velocity = (
        f"velocity is strong ({delivery})"
        if strong
        else f"velocity is not strong ({delivery}; strong needs {MIN_SPRINTS}+ sprints and "
        f"{STRONG_COMPLETION:.0%} of planned items done)"
    )
    attainment = (
        f"{attained} was below 0.6 in each"
        if below
        else f"{attained} was not below 0.6 in each of the last {CONSISTENT_CYCLES}"
    )
    return f"Does not apply: {velocity}, and {attainment}."


def loose_tagging(audit: OutcomeAudit) -> Diagnostic:
    """The share of the cycle's DIRECT-tagged done items whose DIRECT key results did not move."""
    direct = [
        [m for m in o.movements if m.tier == DIRECT]
        for o in audit.outcomes
        if any(m.tier == DIRECT for m in o.movements)
    ]
    still = sum(1 for movements in direct if not any(m.moved for m in movements))
    share = still / len(direct) if direct else None
    applies = len(direct) >= MIN_DIRECT_ITEMS and share is not None and share >= LOOSE_SHARE
    facts = (
        Fact.data("done items", audit.items_done),
        Fact.data("done items tagged DIRECT", len(direct)),
        Fact.data("of them, key result did not move", still),
        Fact.data("share not moved", share),
        Fact.data("audit provisional", audit.provisional),
    )
    counts = f"{still} of {len(direct)} done items tagged DIRECT did not move their key result"
    if applies:
        explanation = (
            f"Tags look loose: {counts} ({share:.0%}, at least {LOOSE_SHARE:.0%} of at least "
            f"{MIN_DIRECT_ITEMS} items): items passed the filter without moving the metric."
        )
    else:
        explanation = (
            f"Does not apply: {counts}; loose tagging needs at least {MIN_DIRECT_ITEMS} such "
            f"items and {LOOSE_SHARE:.0%} of them not moved."
        )
    if audit.provisional:
        explanation += " The cycle's window has not closed: values may still move."
    return Diagnostic(DiagnosticCode.LOOSE_TAGGING, applies, facts, explanation)
