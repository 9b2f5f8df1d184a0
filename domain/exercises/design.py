"""What an exercise hands its participants when it opens (or when they join or a candidate joins
while it is open): MaxDiff sets per participant and Buy a Feature budgets. Pure; the application
stores the result in the event, so replaying the log never recomputes a design."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from uuid import UUID

import numpy as np

from okrank.domain.bounds import BUDGET_MAX, bounded
from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.buy_a_feature import default_budget
from okrank.domain.exercises.methods.maxdiff_design import generate_design

APPEARANCES = 3  # each participant sees each candidate about this often


def seed_of(*parts: object) -> int:
    """A stable seed: the same exercise and participant always get the same design."""
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def maxdiff_designs(
    exercise_id: UUID,
    candidates: Sequence[UUID],
    participants: Sequence[str],
    set_size: int,
    explicit: Sequence[Sequence[UUID]] | None = None,
) -> dict[str, list[list[UUID]]]:
    """One balanced version per participant, or the owner's explicit sets for everyone."""
    if explicit is not None:
        sets = validate_explicit_design(explicit, candidates)
        return {p: [list(s) for s in sets] for p in participants}
    if not participants:
        return {}
    design = generate_design(
        len(candidates),
        set_size=min(set_size, len(candidates)),
        appearances=APPEARANCES,
        versions=len(participants),
        seed=seed_of(exercise_id),
    )
    return {
        p: [[candidates[i] for i in s] for s in version]
        for p, version in zip(participants, design.versions, strict=True)
    }


def validate_explicit_design(
    sets: Sequence[Sequence[UUID]], candidates: Sequence[UUID]
) -> list[list[UUID]]:
    known = set(candidates)
    if not sets:
        raise ValidationError(["design"], "a design needs at least one set")
    out = []
    for n, s in enumerate(sets):
        path = ["design", str(n)]
        if not 3 <= len(s) <= 5:
            raise ValidationError(path, "a set has 3 to 5 items")
        if len(set(s)) != len(s):
            raise ValidationError(path, "an item appears twice in the set")
        if any(i not in known for i in s):
            raise ValidationError(path, "every item of a set must be a candidate")
        out.append(list(s))
    missing = known - {i for s in out for i in s}
    if missing:
        raise ValidationError(["design"], f"{len(missing)} candidate(s) appear in no set")
    return out


def late_participant_design(
    exercise_id: UUID, subject: str, candidates: Sequence[UUID], set_size: int
) -> list[list[UUID]]:
    """A version of its own for a participant invited while the exercise is open."""
    design = generate_design(
        len(candidates),
        set_size=min(set_size, len(candidates)),
        appearances=APPEARANCES,
        seed=seed_of(exercise_id, subject),
    )
    return [[candidates[i] for i in s] for s in design.versions[0]]


def extension_sets(
    exercise_id: UUID,
    new_item: UUID,
    existing: Sequence[UUID],
    participants: Sequence[str],
    set_size: int,
) -> dict[str, list[list[UUID]]]:
    """Sets that show a candidate added while open as often as the others were shown
    (APPEARANCES times per participant), each with different companions drawn evenly."""
    k = min(set_size, len(existing) + 1) - 1
    if k < 2:
        return {}
    out = {}
    # Each participant's sets miss one of the k + 1 positions; successive participants start one
    # position further on, so over the participants every position is taken equally often (to
    # within one). A random start per participant left one position at 4 of a mean of 9.
    first = int(np.random.default_rng(seed_of(exercise_id, new_item)).integers(k + 1))
    for index, p in enumerate(participants):
        rng = np.random.default_rng(seed_of(exercise_id, new_item, p))
        order = list(rng.permutation(len(existing)))
        # Cycle through a shuffled order so companions are spread evenly over the sets.
        picks = [order[(n * k + j) % len(order)] for n in range(APPEARANCES) for j in range(k)]
        # The new item takes each position in turn, not always the first.
        start = (first + index) % (k + 1)
        sets = []
        for n in range(APPEARANCES):
            companions = [existing[i] for i in picks[n * k : (n + 1) * k]]
            companions.insert((start + n) % (k + 1), new_item)
            sets.append(companions)
        out[p] = sets
    return out


def budgets(
    prices: dict[UUID, float], participants: Sequence[str], per_participant: float | None
) -> tuple[dict[str, float], float]:
    """Each participant's budget and the default for participants invited later."""
    if per_participant is not None:
        bounded(["budget"], per_participant, 0.0, BUDGET_MAX, low_open=True)
    budget = per_participant or default_budget(prices, max(1, len(participants)))
    return {p: budget for p in participants}, budget
