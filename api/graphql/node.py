"""The Relay `Node` interface: every object fetchable by its global ID implements it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

T = TypeVar("T")


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global, opaque identifier.")


async def load_node(loader: DataLoader[Any, Any], key: Any, make: Callable[[Any], T]) -> T | None:
    """The object a request's loader finds for `key` (None for no key, or none in the caller's
    workspace), built from its read-model row by `make`."""
    if key is None:
        return None
    row = await loader.load(key)
    return make(row) if row else None
