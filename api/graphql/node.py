"""The Relay `Node` interface: every object fetchable by its global ID implements it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from strawberry.dataloader import DataLoader

T = TypeVar("T")
# A read model's `<things>_by_id(pool, workspace, ids)`: the rows of the workspace among `ids`.
ReadById = Callable[[Any, str, list[UUID]], Awaitable[list[Any]]]


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global, opaque identifier.")


VERSION = "Aggregate version; pass as `expectedVersion`."


def aggregate_fields(
    *, created_at: str, created_by: str = "Subject who created it."
) -> Callable[[type[T]], type[T]]:
    """Give an aggregate's type (before `@strawberry.type`) `version`, `createdAt`, `createdBy`
    and `updatedAt` after the fields it declares (and before its resolvers): the one
    declaration of what every aggregate shows of its changes, each from its row's column."""

    def add(cls: type[T]) -> type[T]:
        if "__annotations__" not in cls.__dict__:  # never add to a base class's annotations
            cls.__annotations__ = {}
        for name, kind, about in (
            ("version", int, VERSION),
            ("created_at", datetime, created_at),
            ("created_by", str, created_by),
            ("updated_at", datetime, "When it last changed."),
        ):
            cls.__annotations__[name] = kind
            setattr(cls, name, strawberry.field(description=about))
        return cls

    return add


async def load_node(loader: DataLoader[Any, Any], key: Any, make: Callable[[Any], T]) -> T | None:
    """The object a request's loader finds for `key` (None for no key, or none in the caller's
    workspace), built from its read-model row by `make`."""
    if key is None:
        return None
    row = await loader.load(key)
    return make(row) if row else None


async def load_by_id(
    info: Any, key: UUID | None, read: ReadById, make: Callable[[Any], T]
) -> T | None:
    """The object of the caller's workspace that `read` finds for `key` (None for no key, or
    none there), built from its read-model row by `make`."""
    if key is None:
        return None
    rows = await read(info.context.pool, info.context.workspace, [key])
    return make(rows[0]) if rows else None
