"""What mutation inputs share: global IDs parsed at the edge, and `expectedVersion`."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar
from uuid import UUID

import strawberry

from okrank.api.graphql.ids import uuid_of
from okrank.domain import errors

T = TypeVar("T")
C = TypeVar("C")

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


def command_of(input: object, command: type[C], **converted: Any) -> C:
    """The domain command `command` from a mutation input: each field of the command is the
    input's field of the same name (`expected_version` included), unless given converted (an
    ID parsed, an enum's value, a default); a field the input lacks keeps its default."""
    values = dict(converted)
    for field in dataclasses.fields(command):  # type: ignore[arg-type]
        if field.name not in values and hasattr(input, field.name):
            values[field.name] = getattr(input, field.name)
    return command(**values)


# The references inputs name most, by their GraphQL field names.
def item_id(input: Any) -> UUID:
    return need_id(input.backlog_item_id, "BacklogItem", "backlogItemId")


def objective_id(input: Any) -> UUID:
    return need_id(input.objective_id, "Objective", "objectiveId")


def exercise_id(input: Any) -> UUID:
    return need_id(input.exercise_id, "Exercise", "exerciseId")
