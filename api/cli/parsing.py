"""How the `okrank` commands are declared and show their progress: each command also takes the
common options (`--data-dir` after the command, where people type it), a group's commands are
named in `args.what`, and a long run moves a tqdm bar from (done, total) reports."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def command(
    parent: Any, name: str, common: argparse.ArgumentParser, **kwargs: Any
) -> argparse.ArgumentParser:
    """`okrank … NAME` under `parent` (a sub-parsers action), with the common options;
    `kwargs` (help, description, formatter_class) go to argparse as they are."""
    return parent.add_parser(name, parents=[common], **kwargs)


def command_group(sub: Any, name: str, common: argparse.ArgumentParser, help_text: str) -> Any:
    """`okrank NAME WHAT …`: the sub-parsers action to add the group's commands to."""
    return command(sub, name, common, help=help_text).add_subparsers(dest="what", required=True)


def bar_progress(bar: Any) -> Callable[[int, int], None]:
    """A (done, total) progress report that moves the tqdm `bar` (the total may grow)."""

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return progress
