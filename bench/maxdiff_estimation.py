"""MaxDiff estimation speed: 1,000 respondents × 20 items × 15 sets of 4 (15,000 responses),
simulated from known utilities; seconds for the maximum-likelihood fit (with standard errors)
and for the closed-form analytical estimate, medians of 3 runs, and how well they recover the
true order (Spearman).

Run: .venv/bin/python -m bench.maxdiff_estimation [--respondents 1000] [--items 20] [--sets 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
from scipy.stats import spearmanr

from domain.methods.maxdiff import Response, analytical_utilities, counts, fit_mnl


def simulate(respondents: int, items: int, sets: int, seed: int = 5) -> tuple[list, np.ndarray]:
    rng = np.random.default_rng(seed)
    true = rng.normal(0, 1, items)
    out = []
    for r in range(respondents):
        for _ in range(sets):
            shown = tuple(int(i) for i in rng.choice(items, 4, replace=False))
            pairs = [(b, w) for b in shown for w in shown if b != w]
            p = np.array([np.exp(true[b] - true[w]) for b, w in pairs])
            b, w = pairs[rng.choice(len(pairs), p=p / p.sum())]
            out.append(Response(str(r), shown, b, w))
    return out, true


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--sets", type=int, default=15)
    args = parser.parse_args()
    responses, true = simulate(args.respondents, args.items, args.sets)
    mle, closed = [], []
    for _ in range(3):
        t = time.perf_counter()
        utilities, _ = fit_mnl(responses, args.items)
        mle.append(time.perf_counter() - t)
        t = time.perf_counter()
        analytical = analytical_utilities(*counts(responses, args.items))
        closed.append(time.perf_counter() - t)
    figures = {
        "responses": len(responses),
        "mle_seconds": statistics.median(mle),
        "analytical_seconds": statistics.median(closed),
        "mle_spearman": spearmanr(utilities, true).statistic,
        "analytical_spearman": spearmanr(analytical, true).statistic,
    }
    print(
        f"{len(responses):,} responses ({args.respondents} × {args.sets} sets, {args.items} items)"
    )
    print(
        f"maximum likelihood with standard errors: {figures['mle_seconds']:.3f} s "
        f"(Spearman with the true utilities {figures['mle_spearman']:.3f})"
    )
    print(
        f"closed-form analytical estimate: {figures['analytical_seconds']:.3f} s "
        f"(Spearman {figures['analytical_spearman']:.3f})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
