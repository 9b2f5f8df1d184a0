"""How an `okrank audit …` command refuses: one line on stderr, exit code 2, no traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

USAGE_ERROR = 2  # bad arguments, no such workspace, no chain yet, an unreadable file


def refuse(message: str) -> NoReturn:
    print(f"okrank: {message}", file=sys.stderr, flush=True)
    sys.exit(USAGE_ERROR)
