"""RICE session: each participant estimates reach, impact, confidence and effort per candidate;
the result per item is the median of each input, the RICE score of those medians, and how much
participants disagree."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from okrank.domain.errors import ValidationError
from okrank.domain.rankings.scoring import RiceInputs, rice_score, validate_rice


@dataclass(frozen=True)
class Estimate:
    participant: str
    item: Hashable
    inputs: RiceInputs


@dataclass(frozen=True)
class RiceResult:
    item: Hashable
    participants: int
    median: RiceInputs
    score: float  # RICE of the medians
    spread_iqr: float  # interquartile range of the individual RICE scores
    spread_cv: float  # coefficient of variation of the individual scores (0 when one estimate)
    rank: int


def validate(estimates: Sequence[Estimate], items: Sequence[Hashable]) -> None:
    known = set(items)
    seen = set()
    for n, e in enumerate(estimates):
        if e.item not in known:
            raise ValidationError(["estimates", str(n), "item"], "not a candidate")
        if (e.participant, e.item) in seen:
            raise ValidationError(["estimates", str(n), "item"], "estimated twice")
        seen.add((e.participant, e.item))
        validate_rice(e.inputs, prefix=f"estimates.{n}")


def results(estimates: Sequence[Estimate], items: Sequence[Hashable]) -> list[RiceResult]:
    """Items without any estimate are left out; ranked by score, ties by item order."""
    validate(estimates, items)
    by_item: dict[Hashable, list[RiceInputs]] = defaultdict(list)
    for e in estimates:
        by_item[e.item].append(e.inputs)
    out = []
    for position, item in enumerate(items):
        inputs = by_item.get(item)
        if not inputs:
            continue
        median = RiceInputs(
            *(
                statistics.median(getattr(i, f) for i in inputs)
                for f in ("reach", "impact", "confidence", "effort")
            )
        )
        scores = [rice_score(i) or 0.0 for i in inputs]
        if len(scores) > 1:
            q1, _, q3 = statistics.quantiles(scores, n=4, method="inclusive")
            mean = statistics.fmean(scores)
            cv = statistics.stdev(scores) / mean if mean else 0.0
        else:
            q1 = q3 = scores[0]
            cv = 0.0
        out.append((item, len(inputs), median, rice_score(median) or 0.0, q3 - q1, cv, position))
    out.sort(key=lambda r: (-r[3], r[6]))
    return [RiceResult(*r[:6], rank=n + 1) for n, r in enumerate(out)]
