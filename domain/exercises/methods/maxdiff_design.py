"""MaxDiff designs: balanced incomplete sets, one version per participant (pure numpy)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from okrank.domain.errors import ValidationError

BASE_VERSIONS = 4  # carefully built layouts; every participant gets one of them, relabelled
IMPROVE_ROUNDS = 8  # pair-swap rounds per base layout, stopping early once pairs are even
POSITION_BATCH = 8  # versions whose positions are balanced together (speed vs pooled balance)
BASE_RESTARTS = 6  # fresh greedy starts per base layout when pair swaps stall short of even
BIG = 1e6  # frequency outweighs any pairing sum in the greedy score


@dataclass(frozen=True)
class Design:
    """Sets per version (one version per participant). Each set lists its items in display
    order; positions are shuffled so no item sits first more often than chance."""

    versions: list[list[tuple[int, ...]]]


def generate_design(
    n_items: int, set_size: int = 4, appearances: int = 3, versions: int = 1, seed: int = 0
) -> Design:
    """Balanced incomplete sets, one version per participant.

    Within a version every item appears `appearances` times (±1 when n·appearances is not a
    multiple of the set size) and pairs co-occur as evenly as a greedy build plus pair swaps
    allow. Only a few such base layouts are built (the slow part); each version is a base with
    its items relabelled by a permutation π, its sets shuffled and the positions inside each set
    shuffled. Relabelling keeps the within-version balance exactly (the frequency and pair
    counts of item π(i) are those of item i) and makes versions differ. Across versions the
    permutations are drawn so pooled item frequencies stay within one version's extra
    appearance of each other: the base items shown most often get the labels shown least so far.
    Deterministic given `seed`.
    """
    if n_items < 3:
        raise ValidationError("candidates", "MaxDiff needs at least 3 items")
    if not 3 <= set_size <= 5 or set_size > n_items:
        raise ValidationError("setSize", "set size must be 3–5 and at most the number of items")
    if appearances < 1 or versions < 1:
        raise ValidationError("appearances", "appearances and versions must be at least 1")
    rng = np.random.default_rng(seed)
    bases = np.array(
        [
            _base_version(n_items, set_size, appearances, rng)
            for _ in range(min(versions, BASE_VERSIONS))
        ]
    )  # (B, sets, k)
    n_sets = bases.shape[1]
    which = np.arange(versions) % len(bases)
    perms = _balanced_relabellings(bases, which, n_items, rng)  # (V, n): base item → label
    set_order = np.argsort(rng.random((versions, n_sets)), axis=1)
    laid_out = bases[which[:, None], set_order]  # (V, sets, k)
    labelled = np.take_along_axis(perms, laid_out.reshape(versions, -1), axis=1)
    rows = _balanced_positions(labelled.reshape(versions, n_sets, set_size), n_items, rng)
    return Design([[tuple(s) for s in sets] for sets in rows])


def _balanced_positions(
    sets: np.ndarray, n_items: int, rng: np.random.Generator
) -> list[list[list[int]]]:
    """Order the items inside each set so that every item takes every position about equally
    often, within each version first and then pooled over versions: set by set, the order
    (of the k! possible) with the fewest earlier uses of those item–position pairs, random
    tie-breaks. Position effects (first-listed items chosen more) then cancel out.
    Versions in batches of POSITION_BATCH take their s-th set together (vectorised); the
    pooled counts are updated after each such step."""
    versions, n_sets, k = sets.shape
    orders = np.array(list(itertools.permutations(range(k))))  # orders[o][p]: set index at p
    slots = np.arange(k)
    own = np.zeros((versions, n_items, k))
    pooled = np.zeros((n_items, k))
    noise = rng.random((n_sets, versions, len(orders)))
    out = np.empty_like(sets)
    for first in range(0, versions, POSITION_BATCH):
        batch = np.arange(first, min(first + POSITION_BATCH, versions))
        rows = batch[:, None]
        for s in range(n_sets):
            items = sets[batch, s]  # (b, k)
            cost = own[rows, items] * BIG + pooled[items]  # (b, k items, k positions)
            total = cost[:, orders, slots].sum(axis=2) + noise[s, batch]  # (b, k!)
            chosen = np.take_along_axis(items, orders[total.argmin(axis=1)], axis=1)
            own[rows, chosen, slots] += 1
            np.add.at(pooled, (chosen, np.broadcast_to(slots, chosen.shape)), 1)
            out[batch, s] = chosen
    return out.tolist()


def _balanced_relabellings(
    bases: np.ndarray, which: np.ndarray, n_items: int, rng: np.random.Generator
) -> np.ndarray:
    """One permutation per version, random but steering the base's frequent items to the labels
    that have been shown least so far (random tie-breaks), so pooled counts stay level."""
    freq = np.stack([np.bincount(b.ravel(), minlength=n_items) for b in bases])
    pooled = np.zeros(n_items)
    perms = np.empty((len(which), n_items), dtype=np.int64)
    noise = rng.random((len(which), 2, n_items))
    for v, b in enumerate(which):
        items = np.lexsort((noise[v, 0], -freq[b]))  # most shown base items first
        labels = np.lexsort((noise[v, 1], pooled))  # least shown labels first
        perms[v, items] = labels
        pooled[labels] += freq[b, items]
    return perms


def _base_version(
    n_items: int, set_size: int, appearances: int, rng: np.random.Generator
) -> list[list[int]]:
    """The most even of up to BASE_RESTARTS layouts (see `_one_layout`): pair swaps can stall
    in a local minimum (10 items in sets of 4 stalled at a pair spread of 3 in 4 of 10 builds,
    where 2 is achievable), and a fresh greedy start usually escapes it."""
    n_sets = -(-n_items * appearances // set_size)
    # Perfect evenness (spread 0) is possible only when the pair incidences divide evenly.
    target = 0 if n_sets * set_size * (set_size - 1) % (n_items * (n_items - 1)) == 0 else 1
    # With unequal item frequencies one more is the best a build reliably reaches.
    good = target + (1 if n_items * appearances % set_size else 0)
    best: tuple[float, float, list[list[int]]] | None = None
    for _ in range(BASE_RESTARTS):
        sets, pairs = _one_layout(n_items, set_size, n_sets, target, rng)
        off = pairs[~np.eye(n_items, dtype=bool)]
        key = (float(off.max() - off.min()), float((off**2).sum()), sets)
        if best is None or key[:2] < best[:2]:
            best = key
        if best[0] <= good:
            break
    return best[2]


def _one_layout(
    n_items: int, set_size: int, n_sets: int, target: int, rng: np.random.Generator
) -> tuple[list[list[int]], np.ndarray]:
    """Greedy: fill each set with the least shown item, then the least paired with what the set
    already holds (random tie-breaks); then even out pairs by swaps."""
    freq = np.zeros(n_items)
    pairs = np.zeros((n_items, n_items))
    sets: list[list[int]] = []
    for _ in range(n_sets):
        chosen: list[int] = []
        taken = np.zeros(n_items, dtype=bool)
        for _ in range(set_size):
            # Lexicographic (frequency, then pairing, then noise) folded into one number.
            score = freq * BIG + pairs[:, chosen].sum(axis=1) + rng.random(n_items)
            score[taken] = np.inf
            pick = int(np.argmin(score))
            chosen.append(pick)
            taken[pick] = True
        for i in chosen:
            freq[i] += 1
            pairs[i, chosen] += 1
            pairs[i, i] -= 1
        sets.append(chosen)
    off = ~np.eye(n_items, dtype=bool)
    for _ in range(IMPROVE_ROUNDS):
        _improve_pairs(sets, pairs, rng)
        if pairs[off].max() - pairs[off].min() <= target:
            break
    return sets, pairs


def _improve_pairs(
    sets: list[list[int]], pairs: np.ndarray, rng: np.random.Generator, attempts_per_set: int = 60
) -> None:
    """Swap items between sets when that evens out pair co-occurrences (item frequencies are
    unchanged by a swap). Objective: Σ pairs², lowest when the counts are as equal as they can
    be. Plain lists and pre-drawn random numbers: this loop is the cost of a base layout."""
    if len(sets) < 2:
        return
    attempts = attempts_per_set * len(sets)
    p = pairs.astype(np.int64).tolist()
    a_all = rng.integers(len(sets), size=attempts)
    b_all = (a_all + rng.integers(1, len(sets), size=attempts)) % len(sets)  # b ≠ a
    slots = rng.integers(1 << 30, size=(attempts, 2))
    for a, b, (sx, sy) in zip(a_all.tolist(), b_all.tolist(), slots.tolist(), strict=True):
        x, y = sets[a][sx % len(sets[a])], sets[b][sy % len(sets[b])]
        if x in sets[b] or y in sets[a]:
            continue
        rest_a = [i for i in sets[a] if i != x]
        rest_b = [j for j in sets[b] if j != y]
        # x leaves a for b and y leaves b for a; an item in both sets sees no net change.
        change: dict[tuple[int, int], int] = {}
        for i in rest_a:
            change[x, i] = change.get((x, i), 0) - 1
            change[y, i] = change.get((y, i), 0) + 1
        for j in rest_b:
            change[y, j] = change.get((y, j), 0) - 1
            change[x, j] = change.get((x, j), 0) + 1
        delta = sum((p[u][v] + c) ** 2 - p[u][v] ** 2 for (u, v), c in change.items())
        if delta <= 0:  # sideways moves too: they walk off plateaus
            for (u, v), c in change.items():
                p[u][v] += c
                p[v][u] += c
            sets[a] = [*rest_a, y]
            sets[b] = [*rest_b, x]
    pairs[:] = p
