"""Strawberry types built from read-model rows: each field from the column of its own name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar

import strawberry

from okrank.api.graphql.ids import to_global_id
from okrank.api.graphql.node import Node

T = TypeVar("T")


@cache
def _fields(cls: type) -> tuple[str, ...]:
    """The constructor fields of a strawberry type (its resolvers take no argument there)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)  # type: ignore[arg-type]


def node_id(cls: type, key: Any) -> strawberry.ID:
    """The global ID of the node type `cls` (by its GraphQL name) for its aggregate's `key`."""
    return strawberry.ID(to_global_id(cls.__strawberry_definition__.name, key))  # type: ignore[attr-defined]


def global_id_or_none(type_name: str, key: Any) -> strawberry.ID | None:
    """The global ID of the `type_name` whose aggregate is `key`, or None for no key."""
    return None if key is None else strawberry.ID(to_global_id(type_name, key))


def from_row(cls: type[T], r: Any, /, **differ: Any) -> T:
    """`cls` built from the read-model row `r`: every field that `differ` does not give takes
    the row's column of the same name, except a private `row` (the row itself) and a `Node`'s
    `id` (the global ID of the row's `id` column). A column the row lacks raises KeyError."""
    values = dict(differ)
    for name in _fields(cls):
        if name in values:
            continue
        if name == "row":
            values[name] = r
        elif name == "id" and issubclass(cls, Node):
            values[name] = node_id(cls, r["id"])
        else:
            values[name] = r[name]
    return cls(**values)


def camel(name: str) -> str:
    """A field's key in stored JSON: `standard_error` -> `standardError`."""
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def from_detail(
    cls: type[T],
    d: Mapping[str, Any],
    /,
    *,
    missing: Mapping[str, Any] = MappingProxyType({}),
    **differ: Any,
) -> T:
    """`cls` built from the stored JSON `d`: every field that `differ` does not give takes the
    key of its camelCase name; a field in `missing` takes its value there when the key is
    absent (JSON stored before it existed), any other absent key raises KeyError."""
    values = dict(differ)
    for name in _fields(cls):
        if name in values:
            continue
        key = camel(name)
        values[name] = d.get(key, missing[name]) if name in missing else d[key]
    return cls(**values)


async def workspace_nodes(info: Any, sql: str, node: Callable[[Any], T]) -> list[T]:
    """Every row `sql` selects with the caller's workspace as $1, each made a `node`."""
    ctx = info.context
    return [node(r) for r in await ctx.pool.fetch(sql, ctx.workspace)]
