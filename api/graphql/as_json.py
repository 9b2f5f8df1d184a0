"""A GraphQL object as JSON, exactly as a query selecting all its fields would show it: for
payloads sent outside GraphQL (webhooks) that must match what a subscription gives."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case


def as_json(value: Any) -> Any:
    """`value` as JSON: an object's stored fields by their GraphQL names (fields with a
    resolver need a request, so an object sent this way has none), enums by value, moments in
    ISO 8601."""
    definition = get_object_definition(value)
    if definition is not None:
        return {
            f.graphql_name or to_camel_case(f.python_name): as_json(getattr(value, f.python_name))
            for f in definition.fields
            if f.base_resolver is None
        }
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
