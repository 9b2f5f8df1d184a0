"""How balanced a MaxDiff design is: item, pair and position counts and D-efficiency."""

from __future__ import annotations

import numpy as np

from okrank.domain.exercises.methods.maxdiff_design import Design


def balance(design: Design) -> dict[str, float]:
    """Spread (max − min) of item frequencies and of pair co-occurrences within each version
    (the worst version), and the same counts pooled over all versions: the pooled frequency
    spread relative to its mean, (max − min) / mean, and the coefficient of variation
    (sd / mean) of pooled pair co-occurrences. Pooled figures show that no item or pair is
    favoured across participants; they shrink as versions are added."""
    freq, pairs = _version_counts(design)
    off = ~np.eye(freq.shape[1], dtype=bool)
    per_pair = pairs[:, off]  # (V, n(n−1))
    pooled_freq = freq.sum(axis=0)
    pooled_pairs = per_pair.sum(axis=0)
    positions = _position_counts(design, freq.shape[1])  # (V, n, max k)
    per_version = positions.max(axis=2) - positions.min(axis=2)  # (V, n)
    pooled_positions = positions.sum(axis=0)
    return {
        # Within a version: the most an item sits in one position more than in another.
        "position_spread": float(per_version.max()),
        # Pooled: each item's position counts, sd / mean, worst item.
        "pooled_position_cv": float(
            (pooled_positions.std(axis=1) / np.maximum(pooled_positions.mean(axis=1), 1e-12)).max()
        ),
        "d_efficiency": d_efficiency(design),
        "item_frequency_spread": float((freq.max(axis=1) - freq.min(axis=1)).max()),
        "pair_cooccurrence_spread": float((per_pair.max(axis=1) - per_pair.min(axis=1)).max()),
        "pooled_item_frequency_spread": float(
            (pooled_freq.max() - pooled_freq.min()) / pooled_freq.mean()
        ),
        "pooled_pair_cooccurrence_cv": float(pooled_pairs.std() / pooled_pairs.mean()),
    }


def _position_counts(design: Design, n: int) -> np.ndarray:
    """How often each item sits in each position, per version (V, n, largest set size)."""
    width = max(len(s) for sets in design.versions for s in sets)
    out = np.zeros((len(design.versions), n, width), dtype=np.int64)
    for k in {len(s) for sets in design.versions for s in sets}:
        v, rows = zip(
            *[(v, s) for v, sets in enumerate(design.versions) for s in sets if len(s) == k],
            strict=True,
        )
        np.add.at(out, (np.array(v)[:, None], np.array(rows), np.arange(k)), 1)
    return out


def d_efficiency(design: Design) -> float:
    """D-efficiency of the pooled design for the maxdiff logit at equal utilities, relative to a
    perfectly balanced design with the same sets (1 = as informative as one can be).

    At β = 0 every ordered pair (a, l) of a set of size k is equally likely, so a set contributes
    Cov(1_a − 1_l) = (2 / (k − 1)) (I_S − J_S / k) to the information matrix M. On the n − 1
    identified contrasts, det(M)^{1/(n−1)} is largest for a given trace when all eigenvalues are
    equal (what a balanced design gives), so the ratio det(M)^{1/(n−1)} / (tr M / (n − 1)) is
    the design's D-efficiency against that ideal."""
    n = 1 + max(i for sets in design.versions for s in sets for i in s)
    info = np.zeros((n, n))
    for k in {len(s) for sets in design.versions for s in sets}:
        rows = np.array([s for sets in design.versions for s in sets if len(s) == k])
        block = np.broadcast_to((2 / (k - 1)) * (np.eye(k) - 1 / k), (len(rows), k, k))
        np.add.at(info, (rows[:, :, None], rows[:, None, :]), block)
    # Orthonormal contrasts: the eigenvectors of I − J/n with eigenvalue 1.
    basis = np.linalg.eigh(np.eye(n) - 1 / n)[1][:, 1:]
    reduced = basis.T @ info @ basis
    eigenvalues = np.linalg.eigvalsh(reduced)
    if eigenvalues.min() <= 1e-9 * eigenvalues.max():
        return 0.0  # some contrast is not estimable (an item never shown, or disconnected)
    return float(np.exp(np.log(eigenvalues).mean()) / eigenvalues.mean())


def _version_counts(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """Item frequencies (V, n) and pair co-occurrences (V, n, n, zero diagonal) per version."""
    n = 1 + max(i for sets in design.versions for s in sets for i in s)
    freq = np.zeros((len(design.versions), n), dtype=np.int64)
    pairs = np.zeros((len(design.versions), n, n), dtype=np.int64)
    for size in {len(s) for sets in design.versions for s in sets}:
        v, s = zip(
            *[(v, s) for v, sets in enumerate(design.versions) for s in sets if len(s) == size],
            strict=True,
        )
        rows, sets = np.array(v), np.array(s)  # (R,), (R, k)
        np.add.at(freq, (rows[:, None], sets), 1)
        np.add.at(pairs, (rows[:, None, None], sets[:, :, None], sets[:, None, :]), 1)
    pairs[:, np.arange(n), np.arange(n)] = 0
    return freq, pairs
