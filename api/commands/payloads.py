"""A mutation's payload: its success type, or the typed errors of the mutation path."""

from __future__ import annotations

from typing import Annotated, Any, Union

import strawberry

from okrank.api.graphql.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

# What any mutation may answer instead of its success (api.graphql.errors.from_domain).
PATH_ERRORS = (ValidationError, NotFoundError, ConflictError, PermissionDeniedError)


def payload(name: str, description: str, success: type, *errors: type) -> Any:
    """The union `name` of `success`, the mutation's own `errors` and the path's errors."""
    members = (success, *errors, *PATH_ERRORS)
    return Annotated[Union[members], strawberry.union(name, description=description)]  # noqa: UP007
