"""okrank's own bearer tokens: HS256 JWTs signed with the local secret (PyJWT)."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import jwt

from okrank.api.auth.claims import principal_from_claims
from okrank.api.auth.principal import AuthError, Principal, Role

ISSUER = "okrank"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 30 * 24 * 3600


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
    """Only HS256 with the local secret: never a key from a JWKS, so a token 'signed' with an
    identity provider's public key as HMAC secret (algorithm confusion) fails here."""
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
    return principal_from_claims(claims, "ws", "roles", "sub", ignore_unknown_roles=False)
