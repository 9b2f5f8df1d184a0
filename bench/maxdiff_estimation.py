"""MaxDiff estimation speed: 1,000 respondents × 20 items × 15 sets of 4 (15,000 responses).

Aggregate: simulated from one set of known utilities; seconds for the maximum-likelihood fit
(with standard errors) and for the closed-form analytical estimate, medians of 3 runs, and how
well they recover the true order (Spearman); Newton steps and the score left at the estimate;
seconds for the ranking bootstrap with 200 replicates.

Individual (empirical Bayes): simulated respondents each with their own utilities (a common
profile plus N(0, 1) noise per item); seconds for `fit_individual`, the prior spread it finds,
and the mean over respondents of the correlation between the estimate and that respondent's
true utilities, against the same figure for the aggregate utilities.

Run: .venv/bin/python -m bench.maxdiff_estimation [--respondents 1000] [--items 20] [--sets 15]
     [--spread 1.0] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
from scipy.stats import spearmanr

from okrank.domain.exercises.methods.maxdiff_aggregate import fit_aggregate, fit_mnl
from okrank.domain.exercises.methods.maxdiff_analysis import analytical_utilities, counts
from okrank.domain.exercises.methods.maxdiff_bootstrap import bootstrap
from okrank.domain.exercises.methods.maxdiff_individual import fit_individual
from okrank.domain.exercises.methods.maxdiff_response import Response


def answer(rng: np.random.Generator, utilities: np.ndarray, shown: tuple[int, ...]) -> tuple:
    """A (best, worst) pair drawn by the maxdiff logit."""
    pairs = [(b, w) for b in shown for w in shown if b != w]
    p = np.array([np.exp(utilities[b] - utilities[w]) for b, w in pairs])
    return pairs[rng.choice(len(pairs), p=p / p.sum())]


def simulate(respondents: int, items: int, sets: int, seed: int = 5) -> tuple[list, np.ndarray]:
    rng = np.random.default_rng(seed)
    true = rng.normal(0, 1, items)
    out = []
    for r in range(respondents):
        for _ in range(sets):
            shown = tuple(int(i) for i in rng.choice(items, 4, replace=False))
            out.append(Response(str(r), shown, *answer(rng, true, shown)))
    return out, true


def simulate_heterogeneous(
    respondents: int, items: int, sets: int, spread: float, seed: int = 6
) -> tuple[list, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 1, items)
    out, truth = [], {}
    for r in range(respondents):
        own = truth[str(r)] = common + rng.normal(0, spread, items)
        for _ in range(sets):
            shown = tuple(int(i) for i in rng.choice(items, 4, replace=False))
            out.append(Response(str(r), shown, *answer(rng, own, shown)))
    return out, truth


def mean_correlation(estimates: dict[str, np.ndarray], truth: dict[str, np.ndarray]) -> float:
    return float(np.mean([np.corrcoef(estimates[k], truth[k])[0, 1] for k in truth]))


def aggregate_figures(args: argparse.Namespace) -> dict:
    responses, true = simulate(args.respondents, args.items, args.sets)
    mle, closed = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        utilities, _ = fit_mnl(responses, args.items)
        mle.append(time.perf_counter() - t)
        t = time.perf_counter()
        analytical = analytical_utilities(*counts(responses, args.items))
        closed.append(time.perf_counter() - t)
    fit = fit_aggregate(responses, args.items)
    order = [int(i) for i in np.argsort(-fit.utilities)]
    started = time.perf_counter()
    bootstrap(responses, args.items, fit.utilities, order, replicates=200)
    boot = time.perf_counter() - started
    return {
        "responses": len(responses),
        "mle_newton_steps": fit.steps,
        "mle_score_norm": fit.score_norm,
        "bootstrap_200_seconds": boot,
        "mle_seconds": statistics.median(mle),
        "analytical_seconds": statistics.median(closed),
        "mle_spearman": spearmanr(utilities, true).statistic,
        "analytical_spearman": spearmanr(analytical, true).statistic,
    }


def individual_figures(args: argparse.Namespace) -> dict:
    responses, truth = simulate_heterogeneous(args.respondents, args.items, args.sets, args.spread)
    seconds = []
    for _ in range(args.runs):
        t = time.perf_counter()
        fit = fit_individual(responses, args.items)
        seconds.append(time.perf_counter() - t)
    aggregate, _ = fit_mnl(responses, args.items)
    return {
        "eb_seconds": statistics.median(seconds),
        "eb_rounds": fit.iterations,
        "eb_true_spread": args.spread,
        "eb_prior_sd": fit.prior_sd,
        "eb_mean_correlation": mean_correlation(fit.utilities, truth),
        "aggregate_mean_correlation": mean_correlation({k: aggregate for k in truth}, truth),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--sets", type=int, default=15)
    parser.add_argument("--spread", type=float, default=1.0, help="sd of individual utilities")
    parser.add_argument("--quick", action="store_true", help="200 respondents, one run")
    args = parser.parse_args()
    args.runs = 1 if args.quick else 3
    if args.quick:
        args.respondents = 200
    figures = aggregate_figures(args) | individual_figures(args)
    print(
        f"{figures['responses']:,} responses "
        f"({args.respondents} × {args.sets} sets, {args.items} items)"
    )
    print(
        f"maximum likelihood with standard errors: {figures['mle_seconds']:.3f} s "
        f"(Spearman with the true utilities {figures['mle_spearman']:.3f})"
    )
    print(
        f"Newton: {figures['mle_newton_steps']} steps, largest |score| at the estimate "
        f"{figures['mle_score_norm']:.1e}; bootstrap, 200 replicates: "
        f"{figures['bootstrap_200_seconds']:.2f} s"
    )
    print(
        f"closed-form analytical estimate: {figures['analytical_seconds']:.3f} s "
        f"(Spearman {figures['analytical_spearman']:.3f})"
    )
    print(
        f"individual utilities (empirical Bayes): {figures['eb_seconds']:.2f} s, "
        f"{figures['eb_rounds']} rounds, prior sd {figures['eb_prior_sd']:.2f} "
        f"(true {args.spread:.2f}); mean correlation with each respondent's truth "
        f"{figures['eb_mean_correlation']:.3f} "
        f"(aggregate {figures['aggregate_mean_correlation']:.3f})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
