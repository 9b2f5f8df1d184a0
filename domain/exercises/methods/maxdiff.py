"""MaxDiff (best-worst scaling): balanced designs, counts, and utilities.

Pure numpy/scipy. Items are indices 0..n-1; callers map them to candidates.

Model (the maxdiff multinomial logit): a respondent shown set S picks best b and worst w with
    P(b, w | S) = exp(v_b − v_w) / Σ_{k≠l ∈ S} exp(v_k − v_l).
Since Σ_{k≠l} exp(v_k − v_l) = (Σ_k e^{v_k})(Σ_l e^{−v_l}) − |S|, the log-likelihood and its
gradient vectorise over all responses at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.maxdiff_closed_form import closed_form
from okrank.domain.exercises.methods.maxdiff_separation import SeparatedItem, separated_items

NEWTON_STEPS = 100  # Newton converges in 5–10 steps; the cap only guards against a bug
SCORE_TOLERANCE = 1e-10  # largest |∂ log-likelihood / ∂ utility| accepted as the maximum


@dataclass(frozen=True)
class Response:
    """One answer: the set shown, the best and the worst of it."""

    respondent: str
    shown: tuple[int, ...]
    best: int
    worst: int


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


BASE_VERSIONS = 4  # carefully built layouts; every participant gets one of them, relabelled
IMPROVE_ROUNDS = 8  # pair-swap rounds per base layout, stopping early once pairs are even
POSITION_BATCH = 8  # versions whose positions are balanced together (speed vs pooled balance)
BASE_RESTARTS = 6  # fresh greedy starts per base layout when pair swaps stall short of even
HALF_DRAWS = 16  # importance-sampling draws per respondent (×2, antithetic) in the EB E-step
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


@dataclass(frozen=True)
class ItemResult:
    item: int
    shown: int
    best: int
    worst: int
    counting_score: float  # (best − worst) / shown
    utility: float  # maximum-likelihood (Firth when separated), centred to sum 0
    standard_error: float  # of the centred utility
    analytical_utility: float  # Lipovetsky & Conklin closed form (bwsTools' b), not centred
    share: float  # 0–100 share of preference over the items shown
    rank: int
    reference_utility: float = 0.0  # utility minus the reference item's
    reference_standard_error: float = 0.0  # as R's clogit and Sawtooth report it
    analytical_standard_error: float = 0.0
    analytical_choice_share: float = 0.0  # 0–1, e^b / Σ e^b
    analytical_corrected: bool = False  # at 0 or n: continuity-corrected
    separation: str | None = None  # why the ML utility does not exist, when it does not


@dataclass(frozen=True)
class Analysis:
    """Per-item figures (by item index) and the aggregate fit they come from."""

    items: list[ItemResult]
    fit: AggregateFit


def _arrays(responses: Sequence[Response]) -> dict[int, tuple[np.ndarray, ...]]:
    """Responses grouped by set size: (sets R×k, best R, worst R)."""
    groups: dict[int, list[Response]] = {}
    for r in responses:
        groups.setdefault(len(r.shown), []).append(r)
    return {
        k: (
            np.array([r.shown for r in rs], dtype=np.int64),
            np.array([r.best for r in rs], dtype=np.int64),
            np.array([r.worst for r in rs], dtype=np.int64),
        )
        for k, rs in groups.items()
    }


class Estimator:
    """How the aggregate utilities were estimated."""

    MAXIMUM_LIKELIHOOD = "MAXIMUM_LIKELIHOOD"
    FIRTH = "FIRTH"  # penalised likelihood, used only when the maximum does not exist


@dataclass(frozen=True)
class AggregateFit:
    """The maxdiff logit fitted to everyone's answers.

    Two codings of the same estimate: centred (utilities sum to 0 over the items shown; the
    standard errors are those of the centred values) and reference-coded (each utility minus the
    reference item's, which is 0; the standard errors are those R's clogit, support.BWS and
    Sawtooth's aggregate logit report). Items never shown have 0 and no standard error."""

    utilities: np.ndarray
    standard_errors: np.ndarray
    reference: int
    reference_utilities: np.ndarray
    reference_standard_errors: np.ndarray
    log_likelihood: float  # of the (unpenalised) model at the estimate
    score_norm: float  # largest |gradient| of the maximised objective at the estimate
    estimator: str  # an Estimator value
    separated: list[SeparatedItem]
    steps: int


def fit_aggregate(
    responses: Sequence[Response], n_items: int, reference: int | None = None
) -> AggregateFit:
    """Maximum-likelihood utilities by Newton's method with the analytic Hessian, to a score of
    at most SCORE_TOLERANCE; no penalty when the maximum exists. When it does not (separation,
    see `maxdiff_separation`), Firth's (1993) penalised likelihood ℓ + ½ log det I(β), whose
    maximum always exists and is finite, with the affected items listed. `reference` defaults to
    the last item shown."""
    shown = np.zeros(n_items, dtype=bool)
    shown[[i for r in responses for i in r.shown]] = True
    order = np.flatnonzero(shown)
    if len(order) < 2:
        zero = np.zeros(n_items)
        return AggregateFit(zero, zero, 0, zero, zero, 0.0, 0.0, "MAXIMUM_LIKELIHOOD", [], 0)
    reference = int(order[-1]) if reference is None else reference
    free = order[:-1]  # the last item shown is held at 0 while fitting (identification)
    groups = _respondent_groups(responses, {r.respondent: 0 for r in responses})
    separated = separated_items(_arrays(responses).values(), n_items)
    firth = bool(separated)

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float]:
        ll, grad, hess = _objective_parts(beta[None], groups, 1, n_items)
        h = hess[0][np.ix_(free, free)]
        if not firth:
            return float(ll[0]), grad[0][free], h, float(ll[0])
        inverse = np.zeros((n_items, n_items))
        inverse[np.ix_(free, free)] = np.linalg.inv(h)
        score = grad[0] + _firth_half_trace(beta, groups, inverse, n_items)
        penalised = float(ll[0]) + np.linalg.slogdet(h)[1] / 2
        return penalised, score[free], h, float(ll[0])

    beta = np.zeros(n_items)
    value, score, hess, ll = objective(beta)
    steps = 0
    while np.abs(score).max() > SCORE_TOLERANCE and steps < NEWTON_STEPS:
        step = np.linalg.solve(hess, score)
        scale = 1.0
        while True:  # step halving: the objective is concave, a full step nearly always does
            trial = beta.copy()
            trial[free] += scale * step
            result = objective(trial)
            if result[0] >= value - 1e-9 * max(1.0, abs(value)) or scale < 1e-6:
                break
            scale /= 2
        beta = trial
        value, score, hess, ll = result
        steps += 1
    cov = np.zeros((n_items, n_items))
    cov[np.ix_(free, free)] = np.linalg.inv(hess)
    centre = np.zeros((n_items, n_items))
    centre[np.ix_(order, order)] = np.eye(len(order)) - 1.0 / len(order)
    utilities = centre @ beta
    se = np.sqrt(np.clip(np.diag(centre @ cov @ centre.T), 0, None))
    relative = np.where(shown, beta - beta[reference], 0.0)
    var = np.diag(cov) + cov[reference, reference] - 2 * cov[:, reference]
    reference_se = np.where(shown, np.sqrt(np.clip(var, 0, None)), 0.0)
    return AggregateFit(
        utilities,
        se,
        reference,
        relative,
        reference_se,
        ll,
        float(np.abs(score).max()),
        Estimator.FIRTH if firth else Estimator.MAXIMUM_LIKELIHOOD,
        separated,
        steps,
    )


def _firth_half_trace(
    beta: np.ndarray,
    groups: dict,
    inverse: np.ndarray,
    n_items: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """½ ∂ log det I(β) / ∂β_c = ½ tr(I⁻¹ ∂I/∂β_c), per item c (Firth's score adjustment).

    Per answer the outcomes are the ordered pairs (a, l) of the set, with features x = 1_a − 1_l
    and probabilities π ∝ exp(v_a − v_l); I(β) = Σ Cov_π(x) and ∂Cov_π(x)/∂β_c is the third
    central moment E_π[(x − μ)(x − μ)ᵀ (x_c − μ_c)], so the trace is
    Σ_pairs π (x − μ)ᵀ I⁻¹ (x − μ) (x_c − μ_c), summed over answers (each weighted by its
    respondent's `weights` entry, if given: the bootstrap's resampling counts)."""
    out = np.zeros(n_items)
    for k, (who, sets, _best, _worst) in groups.items():
        a, lo = np.array([(i, j) for i in range(k) for j in range(k) if i != j]).T
        features = np.eye(k)[a] - np.eye(k)[lo]  # (P, k)
        v = beta[sets]
        v = v - v.mean(axis=1, keepdims=True)
        logits = v[:, a] - v[:, lo]
        pi = np.exp(logits - logits.max(axis=1, keepdims=True))
        pi /= pi.sum(axis=1, keepdims=True)  # (T, P)
        centred = features[None] - (pi @ features)[:, None, :]  # (T, P, k)
        local = inverse[sets[:, :, None], sets[:, None, :]]  # (T, k, k)
        quad = np.einsum("tpa,tab,tpb->tp", centred, local, centred)
        w = np.einsum("tp,tp,tpc->tc", pi, quad, centred)
        if weights is not None:
            w *= weights[who][:, None]
        out += np.bincount(sets.ravel(), weights=w.ravel(), minlength=n_items)
    return out / 2


def fit_mnl(responses: Sequence[Response], n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred utilities and their standard errors (see `fit_aggregate`)."""
    fit = fit_aggregate(responses, n_items)
    return fit.utilities, fit.standard_errors


def counts(responses: Sequence[Response], n_items: int) -> tuple[np.ndarray, ...]:
    shown = np.bincount([i for r in responses for i in r.shown], minlength=n_items)
    best = np.bincount([r.best for r in responses], minlength=n_items)
    worst = np.bincount([r.worst for r in responses], minlength=n_items)
    return shown, best, worst


def analytical_utilities(shown: np.ndarray, best: np.ndarray, worst: np.ndarray) -> np.ndarray:
    """Lipovetsky & Conklin's closed-form utilities (see `maxdiff_closed_form`)."""
    return closed_form(shown, best, worst).utility


def analyse(responses: Sequence[Response], n_items: int) -> list[ItemResult]:
    """Every figure per item (see `analysis`)."""
    return analysis(responses, n_items).items


def analysis(responses: Sequence[Response], n_items: int) -> Analysis:
    """Every figure per item, ranked by utility (ties: counting score, then item order)."""
    for r in responses:
        validate_response(r, n_items)
    shown, best, worst = counts(responses, n_items)
    fit = fit_aggregate(responses, n_items)
    utilities = fit.utilities
    closed = closed_form(shown, best, worst)
    counting = np.divide(best - worst, shown, out=np.zeros(n_items), where=shown > 0)
    weight = np.where(shown > 0, np.exp(utilities), 0.0)
    share = weight / weight.sum() * 100 if weight.sum() else weight
    order = sorted(range(n_items), key=lambda i: (-utilities[i], -counting[i], i))
    rank = {item: position + 1 for position, item in enumerate(order)}
    why = {s.item: s.message for s in fit.separated}
    items = [
        ItemResult(
            i,
            int(shown[i]),
            int(best[i]),
            int(worst[i]),
            float(counting[i]),
            float(utilities[i]),
            float(fit.standard_errors[i]),
            float(closed.utility[i]),
            float(share[i]),
            rank[i],
            float(fit.reference_utilities[i]),
            float(fit.reference_standard_errors[i]),
            float(closed.standard_error[i]),
            float(closed.choice_share[i]),
            bool(closed.corrected[i]),
            why.get(i),
        )
        for i in range(n_items)
    ]
    return Analysis(items, fit)


@dataclass(frozen=True)
class IndividualFit:
    """Per-respondent utilities (centred to sum 0) and the population prior they shrink to."""

    utilities: dict[str, np.ndarray]
    population: np.ndarray  # prior mean μ, centred
    prior_sd: float  # σ: spread of true individual utilities around μ
    iterations: int  # empirical-Bayes rounds used
    aggregate: np.ndarray | None = None  # the aggregate (maximum-likelihood) utilities, centred


def individual_utilities(responses: Sequence[Response], n_items: int) -> dict[str, np.ndarray]:
    """Per-respondent utilities shrunk toward the population; see `fit_individual`."""
    return fit_individual(responses, n_items).utilities


def fit_individual(
    responses: Sequence[Response], n_items: int, max_rounds: int = 30, tol: float = 1e-3
) -> IndividualFit:
    """Empirical-Bayes individual utilities under the maxdiff logit.

    Prior: β_r ~ N(μ, σ² I) (on the centred utilities). Each respondent's estimate is the
    posterior mode, maximising ℓ_r(β) − ‖β − μ‖² / (2σ²), by Newton's method for all
    respondents at once (their Hessians are n×n blocks, solved as one batch). A respondent with
    few or unanimous answers stays near μ; one with many consistent answers moves away.

    μ and σ² come from the data (empirical Bayes) by Monte Carlo EM: the E-step needs, per
    respondent, the posterior moments E[β_r] and E‖C(β_r − μ)‖², with C = I − 11ᵀ/n the
    centring projection (utilities are identified only up to a constant, so only n − 1
    directions carry information). They are estimated by importance sampling from the Laplace
    approximation N(β̂_r, Σ_r), Σ_r = (H_r + I/σ²)⁻¹ (H_r the negative log-likelihood Hessian),
    with fixed standard draws (so the fit is deterministic and smooth in σ²; see
    `_standard_draws`) and weights ∝ posterior / proposal. The M-step is
        μ ← C mean_r E[β_r],   σ² ← f(σ²) = Σ_r E‖C(β_r − μ)‖² / (R (n − 1)).
    (The plain Laplace E-step, E‖·‖² ≈ ‖C(β̂_r − μ)‖² + tr(C Σ_r C), underestimates σ by about
    a third with 15 answers for 20 items; with the weights σ comes out within about 10%.)
    μ starts at the aggregate MNL utilities. EM crawls when each respondent answers few sets
    (most of the information is "missing"), so the fixed point log f(σ²) = log σ² is found by
    the secant method (`_secant_root`).
    """
    for r in responses:
        validate_response(r, n_items)
    if not responses:
        return IndividualFit({}, np.zeros(n_items), 0.0, 0, np.zeros(n_items))
    ids = list(dict.fromkeys(r.respondent for r in responses))
    groups = _respondent_groups(responses, {rid: k for k, rid in enumerate(ids)})
    z = _standard_draws(len(ids), n_items)
    draws_each = z.shape[1]
    replicated = _replicate(groups, draws_each)
    mu, _ = fit_mnl(responses, n_items)
    aggregate = mu
    beta = np.tile(mu, (len(ids), 1))
    centre = np.eye(n_items) - 1.0 / n_items

    def em_gap(t: float) -> float:
        """log f(σ²) − log σ² at σ² = eᵗ; updates μ and the warm start as EM does."""
        nonlocal beta, mu
        sigma2 = float(np.exp(t))
        beta, hess = _posterior_modes(beta, groups, len(ids), n_items, mu, sigma2)
        draws = beta[:, None, :] + np.einsum(
            "rij,rsj->rsi", np.linalg.cholesky(np.linalg.inv(hess)), z
        )
        ll = _log_likelihoods(draws.reshape(-1, n_items), replicated, len(ids) * draws_each)
        log_w = ll.reshape(len(ids), draws_each) - ((draws - mu) ** 2).sum(axis=2) / (2 * sigma2)
        log_w += (z**2).sum(axis=2) / 2  # minus the proposal's log density (up to a constant)
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        spread = float((w * (((draws - mu) @ centre) ** 2).sum(axis=2)).sum())
        mu = np.einsum("rs,rsi->i", w, draws) / len(ids) @ centre
        return float(np.log(spread / (len(ids) * (n_items - 1)))) - t

    t1, rounds = _secant_root(em_gap, tol, max_rounds)
    beta, _ = _posterior_modes(beta, groups, len(ids), n_items, mu, np.exp(t1))
    beta = beta @ centre
    prior_sd = float(np.exp(t1 / 2))
    return IndividualFit(dict(zip(ids, beta, strict=True)), mu, prior_sd, rounds, aggregate)


def _secant_root(gap: Callable[[float], float], tol: float, max_rounds: int) -> tuple[float, int]:
    """A root of gap(t) = log f(eᵗ) − t from t = 0: one plain EM step, then secant steps of at
    most ±2.3 (a factor of 10 in σ²), within σ ∈ [0.1, 10]: below 0.1 every respondent is the
    population to within noise, so chasing σ → 0 (where EM crawls) buys nothing.
    Returns (t, evaluations)."""
    lo, hi = np.log(1e-2), np.log(1e2)
    t0, g0 = 0.0, gap(0.0)
    t1 = float(np.clip(t0 + g0, lo, hi))
    g1, rounds = gap(t1), 2
    while abs(g1) > tol and rounds < max_rounds:
        step = -g1 * (t1 - t0) / (g1 - g0) if g1 != g0 else g1
        t0, g0 = t1, g1
        t1 = float(np.clip(t1 + np.clip(step, -2.3, 2.3), lo, hi))
        g1, rounds = gap(t1), rounds + 1
        if (t1 == lo and g1 < 0) or (t1 == hi and g1 > 0):
            break  # pinned at a bound: no heterogeneity (or an implausible amount)
    return t1, rounds


def _standard_draws(n_respondents: int, n_items: int) -> np.ndarray:
    """Standard normal draws per respondent, (R, 2·HALF_DRAWS, n), in antithetic pairs ±z (so
    their mean is exactly 0). Fresh draws per respondent let the Monte Carlo errors average out
    over respondents: shared draws err the same way for everyone, and since σ² is the fixed
    point of a map with slope near 1, a shared error of a few percent moves it by tens of
    percent."""
    half = np.random.default_rng(0).standard_normal((n_respondents, HALF_DRAWS, n_items))
    return np.concatenate([half, -half], axis=1)


def _replicate(groups: dict, copies: int) -> dict[int, tuple[np.ndarray, ...]]:
    """The responses repeated once per draw: respondent r's copy s becomes row r·copies + s."""
    return {
        k: (
            (who[:, None] * copies + np.arange(copies)).ravel(),
            np.repeat(sets, copies, axis=0),
            np.repeat(best, copies),
            np.repeat(worst, copies),
        )
        for k, (who, sets, best, worst) in groups.items()
    }


def _respondent_groups(
    responses: Sequence[Response], row: dict[str, int]
) -> dict[int, tuple[np.ndarray, ...]]:
    """Responses by set size: (respondent row R, sets R×k, best position R, worst position R)."""
    by_size: dict[int, list[Response]] = {}
    for r in responses:
        by_size.setdefault(len(r.shown), []).append(r)
    out = {}
    for k, rs in by_size.items():
        sets = np.array([r.shown for r in rs], dtype=np.int64)
        best = np.array([r.shown.index(r.best) for r in rs])
        worst = np.array([r.shown.index(r.worst) for r in rs])
        who = np.array([row[r.respondent] for r in rs])
        out[k] = (who, sets, best, worst)
    return out


def _log_likelihoods(beta: np.ndarray, groups: dict, n_respondents: int) -> np.ndarray:
    """Per respondent log-likelihood (R,): Σ over their responses of v_b − v_w − log D, with
    D = (Σ e^{v_j})(Σ e^{−v_j}) − k (see `_objective_parts`)."""
    ll = np.zeros(n_respondents)
    for k, (who, sets, best, worst) in groups.items():
        v, _, _, _, d = _set_terms(beta, who, sets, k)
        ll += np.bincount(who, weights=_chosen(v, d, best, worst), minlength=n_respondents)
    return ll


def _chosen(v: np.ndarray, d: np.ndarray, best: np.ndarray, worst: np.ndarray) -> np.ndarray:
    rows = np.arange(len(v))
    return v[rows, best] - v[rows, worst] - np.log(d[:, 0])


def _set_terms(beta: np.ndarray, who: np.ndarray, sets: np.ndarray, k: int) -> tuple:
    """Per response: centred utilities v, e = exp(v), 1/e, A = Σ e, D = AB − k (B = Σ 1/e);
    centring keeps exp in range and leaves D unchanged."""
    v = beta[who[:, None], sets]
    v = v - v.mean(axis=1, keepdims=True)
    e = np.exp(v)
    inv = 1.0 / e
    a = e.sum(axis=1, keepdims=True)
    return v, e, inv, a, a * inv.sum(axis=1, keepdims=True) - k


def _objective_parts(
    beta: np.ndarray, groups: dict, n_respondents: int, n_items: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per respondent: log-likelihood (R,), gradient (R, n) and Hessian of the negative
    log-likelihood (R, n, n), scattered from each response's set into the respondent's item
    coordinates with bincount.

    Per response, with e_j = exp(v_j), A = Σ e_j, B = Σ 1/e_j and D = AB − k:
        ℓ = v_b − v_w − log D,   ∂D/∂v_j = g_j = e_j B − A/e_j,
        ∂²D/∂v_j∂v_l = δ_jl (e_j B + A/e_j) − e_j/e_l − e_l/e_j,
    so −∇ℓ = g/D − (1_b − 1_w) and −∇²ℓ = ∂²D/D − g gᵀ/D² (positive semi-definite: log D is
    a log-sum-exp of the linear forms v_j − v_l).
    """
    r_count, n = n_respondents, n_items
    ll = np.zeros(r_count)
    grad = np.zeros(r_count * n)
    hess = np.zeros(r_count * n * n)
    for k, (who, sets, best, worst) in groups.items():
        v, e, inv, a, d = _set_terms(beta, who, sets, k)
        ll += np.bincount(who, weights=_chosen(v, d, best, worst), minlength=r_count)
        b = (d + k) / a
        rows = np.arange(len(e))
        g = e * b - a * inv  # (T, k)
        local = -g / d
        local[rows, best] += 1
        local[rows, worst] -= 1
        flat = who[:, None] * n + sets
        grad += np.bincount(flat.ravel(), weights=local.ravel(), minlength=r_count * n)
        ratio = e[:, :, None] * inv[:, None, :]  # e_j / e_l
        second = -(ratio + ratio.transpose(0, 2, 1))
        diagonal = np.arange(k)
        second[:, diagonal, diagonal] += e * b + a * inv
        h = second / d[:, :, None] - g[:, :, None] * g[:, None, :] / (d * d)[:, :, None]
        idx = (who[:, None, None] * n + sets[:, :, None]) * n + sets[:, None, :]
        hess += np.bincount(idx.ravel(), weights=h.ravel(), minlength=r_count * n * n)
    return ll, grad.reshape(r_count, n), hess.reshape(r_count, n, n)


def _posterior_modes(
    beta: np.ndarray,
    groups: dict,
    n_respondents: int,
    n_items: int,
    mu: np.ndarray,
    sigma2: float,
    max_steps: int = 25,
) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method with step halving on each respondent's log posterior (strictly concave:
    the log-likelihood is concave and the prior strictly so). Returns the modes and the
    Hessians of the negative log posterior there."""

    def log_post(b: np.ndarray) -> np.ndarray:
        ll = _log_likelihoods(b, groups, n_respondents)
        return ll - ((b - mu) ** 2).sum(axis=1) / (2 * sigma2)

    eye = np.eye(n_items) / sigma2
    for _ in range(max_steps):
        current, grad, hess = _objective_parts(beta, groups, n_respondents, n_items)
        current = current - ((beta - mu) ** 2).sum(axis=1) / (2 * sigma2)
        grad = grad - (beta - mu) / sigma2
        hess = hess + eye
        step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        if np.abs(step).max() < 1e-8:
            break
        scale = np.ones(n_respondents)
        for _ in range(30):  # halve steps only for respondents whose posterior went down
            trial = beta + scale[:, None] * step
            worse = log_post(trial) < current - 1e-12
            if not worse.any():
                break
            scale[worse] /= 2
        beta = trial
    _, _, hess = _objective_parts(beta, groups, n_respondents, n_items)
    return beta, hess + eye
