"""MaxDiff design generation: seconds for one version per participant (median of 5 runs) and
the balance figures of the result.

Within a version: the spread (max − min) of item frequencies and of pair co-occurrences, worst
version. Pooled over versions: item frequency spread relative to its mean and the coefficient
of variation of pair co-occurrences.

Run: .venv/bin/python -m bench.maxdiff_design [--versions 1000] [--items 20] [--set-size 4]
     [--appearances 3] [--quick]
"""

from __future__ import annotations

import json
import statistics
import time

from bench.arguments import arguments
from okrank.domain.exercises.methods.maxdiff_balance import balance
from okrank.domain.exercises.methods.maxdiff_design import generate_design


def main() -> None:
    args = arguments(
        __doc__,
        {"versions": 100},
        versions=1000,
        items=20,
        set_size=4,
        appearances=3,
    )
    seconds = []
    for seed in range(5):
        t = time.perf_counter()
        design = generate_design(
            args.items, args.set_size, args.appearances, versions=args.versions, seed=seed
        )
        seconds.append(time.perf_counter() - t)
    figures = {"versions": args.versions, "seconds": statistics.median(seconds)} | balance(design)
    print(
        f"{args.versions:,} versions × {len(design.versions[0])} sets of {args.set_size} "
        f"({args.items} items, each {args.appearances}×): {figures['seconds']:.3f} s"
    )
    print(
        f"within a version: item frequency spread {figures['item_frequency_spread']:.0f}, "
        f"pair co-occurrence spread {figures['pair_cooccurrence_spread']:.0f}"
    )
    print(
        f"pooled: item frequency spread / mean {figures['pooled_item_frequency_spread']:.3f}, "
        f"pair co-occurrence CV {figures['pooled_pair_cooccurrence_cv']:.3f}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
