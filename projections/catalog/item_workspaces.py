"""Which workspace a backlog item is in, for a view whose events about an item do not say.

An item never changes workspace, and its Created event names it: a view remembers it from there
(the newest `size` items) rather than ask its own table on every event about the item.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from psycopg import Cursor

DEFAULT_SIZE = 200_000


class ItemWorkspaces:
    """`lookup`: the view's own query for an item's workspace (one parameter, the item's id),
    asked for an item not remembered."""

    def __init__(self, lookup: str, size: int = DEFAULT_SIZE) -> None:
        self.lookup, self.size = lookup, size
        self._known: OrderedDict[UUID, str] = OrderedDict()

    def remember(self, item_id: UUID, workspace: str) -> None:
        self._known[item_id] = workspace
        if len(self._known) > self.size:
            self._known.popitem(last=False)

    def warm(self, oldest_first: Iterable[tuple[UUID, str]]) -> None:
        """Learn many at once (oldest first: the newest stay longest), keeping what is known."""
        for item_id, workspace in oldest_first:
            if item_id not in self._known:
                self.remember(item_id, workspace)

    def find(self, curs: Cursor[Any], item_id: UUID) -> str | None:
        """The item's workspace; None if the view has never seen the item created."""
        workspace = self._known.get(item_id)
        if workspace is None:
            row = curs.execute(self.lookup, (item_id,)).fetchone()
            if row is None:
                return None
            workspace = row["workspace"]
            self.remember(item_id, workspace)
        return workspace
