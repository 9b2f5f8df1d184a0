"""Dashboard results (coverage, sprint coverage, the tagging session's counts) kept per
process, each with the catalog's position when it was read: a result is served again only
while the catalog has applied nothing since, so a dashboard read many times between writes
costs one scan of the team's backlog, and read-your-writes holds
(a mutation's answer waits for a position past the one any older result was kept with).

The position is the one this process's LISTEN hears (api/commands/progress.py); while that
connection is down nothing is served from here."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Any

from okrank.api.commands.progress import Progress
from okrank.projections.catalog.view import CatalogView

ENV = "OKRANK_DASHBOARD_CACHE_ENTRIES"
ENTRIES = 256  # (workspace, team, cycle, dashboard) results kept, least recently used out


def cache_entries(env: Mapping[str, str] = os.environ) -> int:
    """How many results a process keeps (0: none, every read scans)."""
    raw = (env.get(ENV) or str(ENTRIES)).strip()
    if not raw.isdigit():
        raise ValueError(f"{ENV} must be a whole number of results, not {raw!r}")
    return int(raw)


class DashboardCache:
    def __init__(self, entries: int = ENTRIES) -> None:
        self.entries = entries
        self._kept: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()

    async def read(
        self, progress: Progress, key: Hashable, compute: Callable[[], Awaitable[Any]]
    ) -> Any:
        """`compute()`'s result, or the one kept for `key` at the catalog's current position.
        The position is taken before computing: the result holds at least what it names."""
        if not progress.connected or not self.entries:
            return await compute()
        position = progress.positions[CatalogView.view_name]
        kept = self._kept.get(key)
        if kept is not None and kept[0] == position:
            self._kept.move_to_end(key)
            return kept[1]
        value = await compute()
        self._kept[key] = (position, value)
        self._kept.move_to_end(key)
        while len(self._kept) > self.entries:
            self._kept.popitem(last=False)
        return value
