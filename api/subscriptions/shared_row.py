"""An outbox row as the live feed hands it to every subscriber of its workspace: one object per
row, whatever the number of subscribers, that remembers the GraphQL value built from it so that
the value (and, through api.subscriptions.shared_render, its rendering) is made once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

# The attribute a shared value carries: its renderings by selection (shared_render reads it).
RENDERS = "_okrank_renders"


class SharedRow(Mapping[str, Any]):
    """Reads as the row itself (row["column"]); `values` holds what was built from it,
    `frames` its encodings."""

    __slots__ = ("_row", "frames", "values")

    def __init__(self, row: Any) -> None:
        self._row = row
        self.values: dict[Callable[[Any], Any], Any] = {}
        # render key -> (its operation, the data as JSON): api.subscriptions.direct's frames
        self.frames: dict[Any, tuple[Any, bytes]] = {}

    def __getitem__(self, column: str) -> Any:
        return self._row[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._row.keys())

    def __len__(self) -> int:
        return len(self._row)


def shared_value(row: Any, build: Callable[[Any], T]) -> T:
    """`build(row)`, once per shared row (every subscriber then yields the same object, marked
    for a shared rendering); a row replayed for one subscriber is built for it alone."""
    if not isinstance(row, SharedRow):
        return build(row)
    value = row.values.get(build)
    if value is None:
        value = build(row)
        setattr(value, RENDERS, {})
        row.values[build] = value
    return value
