"""Checks every JWT's claims must pass, whoever signed it: one home for the rules."""

from __future__ import annotations

import math
from typing import Any

from okrank.api.auth.principal import AuthError, Principal, Role

NUMERIC_DATES = ("exp", "iat", "nbf")
MAX_NAME = 200  # a workspace or subject longer than this is not a name


def require_numeric_dates(claims: dict[str, Any]) -> None:
    """RFC 7519 makes exp/iat/nbf NumericDates. PyJWT converts them with int(), so a
    string "9999999999" would pass as a far-future expiry: refuse anything but a number."""
    for name in NUMERIC_DATES:
        if name not in claims:
            continue
        value = claims[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise AuthError(f"invalid token: {name} must be a number")


def name_claim(claims: dict[str, Any], claim: str) -> str:
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise AuthError(f"invalid token: missing or bad {claim}")
    return value


def roles_claim(claims: dict[str, Any], claim: str, ignore_unknown: bool) -> frozenset[Role]:
    """okrank's own tokens must name only okrank roles; an identity provider's list may carry
    roles of other applications, which are ignored (at least one okrank role is required)."""
    value = claims.get(claim)
    if isinstance(value, str):  # OAuth-style space-separated list
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
        raise AuthError(f"invalid token: missing or bad {claim}")
    known = {r.value for r in Role}
    if not ignore_unknown and any(r not in known for r in value):
        raise AuthError("invalid token: unknown role")
    roles = frozenset(Role(r) for r in value if r in known)
    if ignore_unknown and not roles:
        raise AuthError(f"invalid token: no okrank role in {claim}")
    return roles


def principal_from_claims(
    claims: dict[str, Any],
    workspace_claim: str,
    roles_claim_name: str,
    subject_claim: str,
    ignore_unknown_roles: bool,
) -> Principal:
    require_numeric_dates(claims)
    return Principal(
        workspace=name_claim(claims, workspace_claim),
        subject=name_claim(claims, subject_claim),
        roles=roles_claim(claims, roles_claim_name, ignore_unknown_roles),
        expires_at=int(claims["exp"]),
    )
