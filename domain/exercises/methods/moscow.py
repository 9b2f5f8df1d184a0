"""MoSCoW: each participant puts each candidate in Must, Should, Could or Won't.

Per item: the distribution, the consensus (plurality; a tie goes to the stricter category, Must
before Should before Could before Won't) and a score, the mean of Must = 3, Should = 2, Could = 1,
Won't = 0. Ranked by score, then more Musts, then item order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from okrank.domain.errors import ValidationError


class Category(StrEnum):
    MUST = "MUST"
    SHOULD = "SHOULD"
    COULD = "COULD"
    WONT = "WONT"


WEIGHT = {Category.MUST: 3, Category.SHOULD: 2, Category.COULD: 1, Category.WONT: 0}
STRICTNESS = list(Category)  # Must first


@dataclass(frozen=True)
class Vote:
    participant: str
    item: Hashable
    category: str


@dataclass(frozen=True)
class MoscowResult:
    item: Hashable
    distribution: dict[Category, int]
    consensus: Category
    score: float
    rank: int


def parse_category(value: str, path: list[str]) -> Category:
    try:
        return Category(value)
    except ValueError:
        raise ValidationError(path, "category must be MUST, SHOULD, COULD or WONT") from None


def results(votes: Sequence[Vote], items: Sequence[Hashable]) -> list[MoscowResult]:
    known, seen = set(items), set()
    tallies: dict[Hashable, Counter[Category]] = {item: Counter() for item in items}
    for n, v in enumerate(votes):
        if v.item not in known:
            raise ValidationError(["votes", str(n), "item"], "not a candidate")
        if (v.participant, v.item) in seen:
            raise ValidationError(["votes", str(n), "item"], "voted twice")
        seen.add((v.participant, v.item))
        tallies[v.item][parse_category(v.category, ["votes", str(n), "category"])] += 1
    rows = []
    for position, item in enumerate(items):
        tally = tallies[item]
        total = sum(tally.values())
        if not total:
            continue
        top = max(tally.values())
        consensus = next(c for c in STRICTNESS if tally[c] == top)
        score = sum(WEIGHT[c] * k for c, k in tally.items()) / total
        rows.append((item, {c: tally[c] for c in Category}, consensus, score, position))
    rows.sort(key=lambda r: (-r[3], -r[1][Category.MUST], r[4]))
    return [MoscowResult(r[0], r[1], r[2], r[3], n + 1) for n, r in enumerate(rows)]
