"""One MaxDiff answer (the set shown, its best and its worst item) and the rule for a valid one.

Items are indices 0..n-1; callers map them to candidates."""

from __future__ import annotations

from dataclasses import dataclass

from okrank.domain.errors import ValidationError


@dataclass(frozen=True)
class Response:
    """One answer: the set shown, the best and the worst of it."""

    respondent: str
    shown: tuple[int, ...]
    best: int
    worst: int
    # Anchored MaxDiff (dual response): "are any of these important at all?" after the set;
    # None when not asked (see `maxdiff_anchored`).
    important: bool | None = None


def validate_response(r: Response, n_items: int) -> None:
    if len(set(r.shown)) != len(r.shown):
        raise ValidationError("shown", "an item appears twice in the set")
    if not 3 <= len(r.shown) <= 20 or any(not 0 <= i < n_items for i in r.shown):
        raise ValidationError("shown", "a set has 3 or more known items")
    if r.best == r.worst:
        raise ValidationError("worst", "best and worst must differ")
    if r.best not in r.shown:
        raise ValidationError("best", "best must be one of the items shown")
    if r.worst not in r.shown:
        raise ValidationError("worst", "worst must be one of the items shown")
