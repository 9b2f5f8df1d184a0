"""When the maxdiff logit has no maximum-likelihood estimate (separation), and which items.

Every answer (set S, best b, worst w) says v_b ≥ v_k and v_w ≤ v_k for the other items k of S.
Draw an edge k → b and w → k for each: a direction d along which the log-likelihood never
decreases must satisfy d_i ≤ d_j on every edge i → j. If the graph is strongly connected, only
constant d does (and constants change nothing), so the maximum exists and is unique. Otherwise an
upward-closed set of components can be pushed to +∞ without ever lowering the likelihood: the
maximum does not exist (complete or quasi-complete separation; Albert & Anderson 1984, for
logit models in general). The items outside the largest strongly connected component are the
ones whose maximum-likelihood utility would run off to ±∞.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SeparatedItem:
    item: int
    direction: int  # +1: ML utility would be +∞ relative to the main group; −1: −∞; 0: unbounded
    message: str


def separated_items(
    groups: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
    n_items: int,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[SeparatedItem]:
    """Items whose maximum-likelihood utility does not exist; [] when the maximum exists.
    Each group is (sets R×k, best R, worst R) in item indices; only items shown count.
    `extra`: further edges (tails, heads) "tail is at most head" from other kinds of answer
    (the anchored fit's threshold answers); their nodes count as shown."""
    shown = np.zeros(n_items, dtype=bool)
    tails, heads = [], []
    if extra is not None:
        tails.append(extra[0])
        heads.append(extra[1])
        shown[np.concatenate(extra)] = True
    for sets, best, worst in groups:
        k = sets.shape[1]
        shown[sets.ravel()] = True
        others_b = sets[sets != best[:, None]].reshape(-1, k - 1)
        others_w = sets[sets != worst[:, None]].reshape(-1, k - 1)
        tails += [others_b.ravel(), np.repeat(worst, k - 1)]
        heads += [np.repeat(best, k - 1), others_w.ravel()]
    # Imported here: scipy.sparse.csgraph costs every process ~0.9 s CPU to import.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    tail, head = np.concatenate(tails), np.concatenate(heads)
    graph = coo_matrix((np.ones(len(tail)), (tail, head)), shape=(n_items, n_items)).tocsr()
    _, label = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(label[shown], minlength=label.max() + 1)
    if sizes.max() == shown.sum():
        return []
    # The main group: the largest component; among equally large ones, the one in the middle
    # (as many items above it as below), so that a chain of singletons splits into +∞ / −∞.
    reverse = graph.T.tocsr()
    candidates = np.flatnonzero(sizes == sizes.max())
    imbalance = [
        abs(int(_reachable(graph, label == c).sum()) - int(_reachable(reverse, label == c).sum()))
        for c in candidates
    ]
    main = candidates[int(np.argmin(imbalance))]
    above = _reachable(graph, label == main)  # items shown to beat the main group
    below = _reachable(reverse, label == main)
    flagged = shown & ((label != main) | (sizes.max() == 1))
    out = []
    for i in np.flatnonzero(flagged).tolist():
        direction = 0 if label[i] == main else 1 if above[i] else -1 if below[i] else 0
        out.append(SeparatedItem(i, direction, _message(direction)))
    return out


def _reachable(graph, start: np.ndarray) -> np.ndarray:
    """Items reachable along the edges from the items where `start` (bool) is true."""
    seen = start.copy()
    frontier = np.flatnonzero(start)
    while len(frontier):
        nxt = np.unique(graph[frontier].indices)
        frontier = nxt[~seen[nxt]]
        seen[frontier] = True
    return seen


def _message(direction: int) -> str:
    firth = "the Firth (penalised likelihood) estimate is shown"
    if direction > 0:
        return (
            "preferred every time it was compared with the main group of items: its "
            f"maximum-likelihood utility is infinite; {firth}"
        )
    if direction < 0:
        return (
            "beaten every time it was compared with the main group of items: its "
            f"maximum-likelihood utility is minus infinity; {firth}"
        )
    return (
        "its answers do not bound its utility against the other items' (a strict order with no "
        f"trade-offs): {firth}"
    )
