"""Typed errors returned in mutation payloads (the GraphQL side of domain.errors)."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError

from okrank.api.auth import Role
from okrank.api.auth.viewer_graphql import RoleEnum
from okrank.api.graphql.ids import to_global_id
from okrank.domain import csv_import, errors

log = logging.getLogger("okrank.api")


@strawberry.interface(description="A failure the caller can correct. Nothing was changed.")
class UserError:
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="An input is malformed or out of range.")
class ValidationError(UserError):
    path: list[str] = strawberry.field(
        description="Path of the offending input field, e.g. ['input', 'rice', 'impact']."
    )


@strawberry.type(description="One bad row of an imported file.")
class CsvRowProblem:
    line: int = strawberry.field(description="Line number in the file (the header is line 1).")
    message: str = strawberry.field(description="What is wrong with the row.")


@strawberry.type(description="An imported file has bad rows: nothing was imported.")
class CsvImportError(UserError):
    rows: list[CsvRowProblem] = strawberry.field(
        description="The bad rows, in file order (at most 100; `omitted` counts the rest)."
    )
    omitted: int = strawberry.field(description="Bad rows beyond those listed.")


@strawberry.type(description="A referenced entity does not exist in this workspace.")
class NotFoundError(UserError):
    id: str | None = strawberry.field(description="The ID that was not found.")


@strawberry.type(description="The command conflicts with the current state (e.g. a stale version).")
class ConflictError(UserError):
    current_version: int | None = strawberry.field(
        description="The entity's current version: re-read it and retry with this."
    )


@strawberry.type(description="The caller's roles do not allow this.")
class PermissionDeniedError(UserError):
    required_roles: list[RoleEnum] = strawberry.field(description="Any one of these would do.")


def from_domain(exc: errors.DomainError) -> UserError:
    """The payload error of each domain error class; an unmapped one is a server fault."""
    if isinstance(exc, csv_import.CsvImportError):
        return CsvImportError(
            message=exc.message,
            rows=[CsvRowProblem(line=r.line, message=r.message) for r in exc.rows],
            omitted=exc.omitted,
        )
    if isinstance(exc, errors.ValidationError):
        return ValidationError(message=exc.message, path=["input", *exc.path])
    if isinstance(exc, errors.NotFoundError):
        gid = to_global_id(exc.kind, exc.ident)
        return NotFoundError(message=f"{exc.kind} {gid} not found", id=gid)
    if isinstance(exc, errors.ConflictError):
        return ConflictError(message=exc.message, current_version=exc.current_version)
    if isinstance(exc, errors.PermissionDeniedError):
        return PermissionDeniedError(
            message=exc.message, required_roles=[Role(r) for r in exc.required_roles]
        )
    # A domain error without a GraphQL type is a fault of ours, not a permission problem.
    log.error("domain error %s has no GraphQL error type: %s", type(exc).__name__, exc.message)
    raise GraphQLError("Internal error.", extensions={"code": "INTERNAL_SERVER_ERROR"})
