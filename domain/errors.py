"""Domain errors: the typed failures a command can end with.

The API maps each one to a GraphQL error type of the same name; nothing here knows about GraphQL.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every failure a user can cause and correct."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """An input is malformed or out of range.

    `path` names the offending input field: "rice.impact" or ["rice", "impact"].
    """

    def __init__(self, path: str | list[str], message: str) -> None:
        super().__init__(message)
        self.path = path.split(".") if isinstance(path, str) else list(path)


class NotFoundError(DomainError):
    """The referenced entity does not exist (or belongs to another workspace)."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} {ident} not found")
        self.kind = kind
        self.ident = ident


class ConflictError(DomainError):
    """The command conflicts with the current state, e.g. a stale expected version."""

    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class PermissionDeniedError(DomainError):
    """The actor's roles do not allow this command; `required_roles`: any one would do."""

    def __init__(self, message: str, required_roles: tuple[str, ...] = ("ADMIN",)) -> None:
        super().__init__(message)
        self.required_roles = tuple(required_roles)
