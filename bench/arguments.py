"""The command line of a benchmark, declared once: each option by its default (and its help), and
`--quick`, a smaller run, by the values it sets (its help lists them)."""

from __future__ import annotations

import argparse
from typing import Any


def arguments(
    doc: str | None,
    quick: dict[str, Any] | None = None,
    helps: dict[str, str] | None = None,
    **defaults: Any,
) -> argparse.Namespace:
    """`--<name>` for each of `defaults` (of its default's type; `set_size` is `--set-size`),
    and `--quick` setting the `quick` values, if any."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for name, default in defaults.items():
        help_ = (helps or {}).get(name)
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=type(default), default=default, help=help_
        )
    if quick:
        said = ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in quick.items())
        parser.add_argument("--quick", action="store_true", help=said)
    args = parser.parse_args()
    if quick and args.quick:
        for name, value in quick.items():
            setattr(args, name, value)
    return args


def read_workspace_arguments(doc: str | None, seconds: float, rounds_are: str) -> Any:
    """The arguments of a benchmark over the seeded workspace: --items, --objectives,
    --seconds (per figure, all rounds), --rounds and --quick (1,000 items, 3 s per figure)."""
    return arguments(
        doc,
        {"items": 1000, "seconds": 3.0},
        {"seconds": "per figure, all rounds", "rounds": rounds_are},
        items=10_000,
        objectives=20,
        seconds=seconds,
        rounds=5,
    )
