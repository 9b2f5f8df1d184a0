"""Anchored MaxDiff speed and recovery: 1,000 respondents × 20 items × 15 sets of 4 (15,000
answers, each with a threshold answer), simulated from known utilities relative to the anchor
(random utilities with the anchor as one more alternative of utility 0: "no" when the anchor
would be chosen first from the set plus the anchor). Seconds for the joint fit (median of 3), the
largest error against the truth and how many items' "matters at all" is right.

Run: .venv/bin/python -m bench.maxdiff_anchored [--respondents 1000] [--items 20] [--sets 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from bench.maxdiff_estimation import answer
from okrank.domain.exercises.methods.maxdiff_anchored import fit_anchored
from okrank.domain.exercises.methods.maxdiff_response import Response


def simulate(respondents: int, items: int, sets: int, seed: int = 7) -> tuple[list, np.ndarray]:
    rng = np.random.default_rng(seed)
    true = np.linspace(-2.0, 1.0, items)  # two thirds of the items below the threshold
    out = []
    for r in range(respondents):
        for _ in range(sets):
            shown = tuple(int(i) for i in rng.choice(items, 4, replace=False))
            none = 1.0 / (1.0 + np.exp(true[list(shown)]).sum())
            important = bool(rng.random() >= none)
            out.append(Response(str(r), shown, *answer(rng, true, shown), important))
    return out, true


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--sets", type=int, default=15)
    args = parser.parse_args()
    responses, true = simulate(args.respondents, args.items, args.sets)
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        fit = fit_anchored(responses, args.items)
        seconds.append(time.perf_counter() - started)
    assert fit is not None and fit.utilities is not None
    print(
        json.dumps(
            {
                "answers": len(responses),
                "fit_seconds": round(statistics.median(seconds), 3),
                "max_abs_error": round(float(np.abs(fit.utilities - true).max()), 3),
                "matters_at_all_right": int(((fit.utilities > 0) == (true > 0)).sum()),
                "items": args.items,
            }
        )
    )


if __name__ == "__main__":
    main()
