"""Who is asking: the roles, the principal a token names, and the Authorization header."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

# A service token has no expiry (it lives until revoked); 2**53 s is far beyond any clock and
# still an exact float, so `expires_at - time.time()` stays meaningful as a timeout.
NEVER_EXPIRES = 2**53


class Role(StrEnum):
    ADMIN = "ADMIN"  # everything, including recalibrating multipliers
    PRODUCT_OWNER = "PRODUCT_OWNER"  # OKRs, backlog, tags, scores
    MEMBER = "MEMBER"  # read only
    STAKEHOLDER = "STAKEHOLDER"  # read only; takes part in exercises
    AUDITOR = "AUDITOR"  # read only, histories and the audit trail included; never votes


class AuthError(Exception):
    """The request carries no valid token."""


class AuthUnavailable(Exception):
    """The token could not be checked now (its store is unreachable): try again later."""


@dataclass(frozen=True)
class Principal:
    workspace: str
    subject: str
    roles: frozenset[Role]
    expires_at: int
    service_token_id: UUID | None = None  # set when a service token authenticated the caller

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


def bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthError("missing Authorization: Bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("Authorization header must be 'Bearer <token>'")
    return token.strip()
