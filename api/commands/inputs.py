"""What mutation inputs share: global IDs parsed at the edge, and `expectedVersion`."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

import strawberry

from okrank.api.graphql.ids import uuid_of
from okrank.domain import errors

T = TypeVar("T")

EXPECTED_VERSION = "Fail with ConflictError unless the entity is at this version."


def need_id(value: str, type_name: str, field: str) -> UUID:
    """The UUID of a global ID of `type_name`, or a ValidationError naming `field`."""
    ident = uuid_of(value, type_name)
    if ident is None:
        raise errors.ValidationError(field, f"{field} is not a {type_name} ID")
    return ident


def maybe_id(value: str | None, type_name: str, field: str) -> UUID | None:
    return None if value is None else need_id(value, type_name, field)


def versioned(cls: type[T]) -> type[T]:
    """Give an input (before `@strawberry.input`) its `expectedVersion`, as its last field:
    the one declaration of the field every change command takes."""
    if "__annotations__" not in cls.__dict__:  # never add to a base class's annotations
        cls.__annotations__ = {}
    cls.__annotations__["expected_version"] = "int | None"
    cls.expected_version = strawberry.field(  # type: ignore[attr-defined]
        default=None, description=EXPECTED_VERSION
    )
    return cls
