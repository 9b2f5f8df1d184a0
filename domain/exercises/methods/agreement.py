"""How much groups or methods agree on the order of the same items.

- `spearman`: rank correlation of two rankings over their common items (1 = same order,
  −1 = reversed, 0 = unrelated).
- `kendall_w`: Kendall's coefficient of concordance across several rankings of the same items
  (1 = all agree, 0 = no agreement), with the usual tie correction.
Segments (Sales, Support, …) and methods (MaxDiff vs MoSCoW on one objective) are compared the
same way: each gives a score per item; higher is better.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations

import numpy as np


def spearman(a: Mapping[Hashable, float], b: Mapping[Hashable, float]) -> float | None:
    common = [k for k in a if k in b]
    left, right = [a[k] for k in common], [b[k] for k in common]
    if len(common) < 2 or len(set(left)) < 2 or len(set(right)) < 2:
        return None  # a constant side orders nothing: no correlation (scipy would warn)
    from scipy.stats import spearmanr  # here: scipy.stats costs every process ~1.5 s CPU to import

    rho = spearmanr(left, right).statistic
    return None if np.isnan(rho) else float(rho)


def kendall_w(scores: Sequence[Mapping[Hashable, float]]) -> float | None:
    """Concordance of m score tables over the items they all share."""
    if len(scores) < 2:
        return None
    common = [k for k in scores[0] if all(k in s for s in scores[1:])]
    n, m = len(common), len(scores)
    if n < 2:
        return None
    from scipy.stats import rankdata  # here: see spearman

    # Rank 1 = best, so rank the negated scores; ties get their average rank.
    ranks = np.array([rankdata([-s[k] for k in common]) for s in scores])
    totals = ranks.sum(axis=0)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = sum(
        float((counts**3 - counts).sum())
        for row in ranks
        for counts in [np.unique(row, return_counts=True)[1]]
    )
    denominator = m**2 * (n**3 - n) - m * ties
    return None if denominator <= 0 else 12 * s / denominator


def pairwise(scores: Mapping[str, Mapping[Hashable, float]]) -> dict[tuple[str, str], float | None]:
    """Spearman correlation for every pair of groups (segments or methods)."""
    return {(a, b): spearman(scores[a], scores[b]) for a, b in combinations(sorted(scores), 2)}
