"""What an exercise's results are made of (see `results`), and the one rule that orders items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

# An imported MaxDiff row over current candidates: (respondent, segment, shown, best, worst,
# the threshold answer of anchored MaxDiff or None).
ImportedAnswer = tuple[str, str, tuple[UUID, ...], UUID, UUID, bool | None]


@dataclass(frozen=True)
class StoredImportRow:
    """One row of a `ResponsesImported` event. Rows stored before anchored MaxDiff and
    durations have six fields; later ones may add the threshold answer and the respondent's
    duration (seconds), each None when the file had no such column."""

    respondent: str
    set_number: int
    shown: list[int]  # indices into the event's "items"
    best: int
    worst: int
    segment: str
    important: bool | None = None
    duration: float | None = None

    @classmethod
    def of(cls, row: Sequence[Any]) -> StoredImportRow:
        respondent, number, shown, best, worst, segment, *later = row
        return cls(str(respondent), number, shown, best, worst, segment or "", *later)


@dataclass(frozen=True)
class Participant:
    subject: str
    segment: str  # '' for none
    ballot: dict[str, Any] | None
    design: list[list[str]] = field(default_factory=list)  # MaxDiff sets (item ID strings)
    budget: float = 0.0
    duration: float | None = None  # seconds from the first ballot to the last; None if one


@dataclass(frozen=True)
class ItemOutcome:
    item_id: UUID
    rank: int
    score: float | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class GroupResults:
    segment: str  # '' = everyone
    respondents: int
    items: list[ItemOutcome]
    summary: dict[str, Any]


@dataclass(frozen=True)
class RespondentUtilities:
    """MaxDiff: one respondent's own utilities (empirical Bayes, shrunk toward everyone's)."""

    respondent: str
    segment: str
    utilities: dict[UUID, float]
    quality: dict[str, Any] = field(default_factory=dict)  # see `maxdiff_quality`


@dataclass(frozen=True)
class ExerciseResults:
    overall: GroupResults
    segments: list[GroupResults]
    # Kendall's W across segments and Spearman for each pair of segments, on the item scores.
    segment_agreement: dict[str, Any]
    respondents: list[RespondentUtilities] = field(default_factory=list)


def ranked(
    candidates: Sequence[UUID], scored: dict[UUID, tuple[float | None, dict[str, Any], tuple]]
) -> list[ItemOutcome]:
    """Order by the method's key (best first); items without a score go last, in candidate order."""
    position = {c: n for n, c in enumerate(candidates)}
    with_score = sorted(
        (c for c in candidates if scored.get(c, (None,))[0] is not None),
        key=lambda c: (scored[c][2], position[c]),
    )
    without = [c for c in candidates if c not in with_score]
    out = []
    for n, c in enumerate([*with_score, *without]):
        score, detail, _ = scored.get(c, (None, {}, ()))
        out.append(ItemOutcome(c, n + 1, score, detail))
    return out
