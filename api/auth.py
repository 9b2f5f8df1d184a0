"""Bearer tokens: HS256 JWTs naming the workspace, the subject and the roles (PyJWT)."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jwt

ISSUER = "okrank"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 30 * 24 * 3600


class Role(StrEnum):
    ADMIN = "ADMIN"  # everything, including recalibrating multipliers
    PRODUCT_OWNER = "PRODUCT_OWNER"  # OKRs, backlog, tags, scores
    MEMBER = "MEMBER"  # read only
    STAKEHOLDER = "STAKEHOLDER"  # read only; takes part in exercises


WRITERS = frozenset({Role.ADMIN, Role.PRODUCT_OWNER})


class AuthError(Exception):
    """The request carries no valid token."""


@dataclass(frozen=True)
class Principal:
    workspace: str
    subject: str
    roles: frozenset[Role]
    expires_at: int

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


def load_secret(data_dir: Path) -> str:
    """`OKRANK_SECRET`, or a random secret kept (mode 0600) in the data folder."""
    env = os.environ.get("OKRANK_SECRET")
    if env:
        return env
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def issue_token(
    secret: str,
    workspace: str,
    subject: str,
    roles: list[Role],
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
) -> str:
    if not workspace.strip() or not subject.strip():
        raise ValueError("workspace and subject must not be empty")
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "ws": workspace,
        "roles": sorted(r.value for r in roles),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("token expired") from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from None
    workspace, roles = claims.get("ws"), claims.get("roles")
    if not isinstance(workspace, str) or not workspace or not isinstance(roles, list):
        raise AuthError("invalid token: missing workspace or roles")
    try:
        parsed = frozenset(Role(r) for r in roles)
    except ValueError:
        raise AuthError("invalid token: unknown role") from None
    return Principal(workspace, claims["sub"], parsed, int(claims["exp"]))


def bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthError("missing Authorization: Bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("Authorization header must be 'Bearer <token>'")
    return token.strip()
