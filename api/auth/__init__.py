"""Authentication: okrank's own HS256 tokens, an identity provider's JWTs (JWKS) and service
tokens for machines, all turned into a Principal by `Authenticator`."""

from okrank.api.auth.local_tokens import (
    ALGORITHM,
    DEFAULT_TTL_SECONDS,
    ISSUER,
    SecretMissing,
    issue_token,
    load_secret,
    verify_token,
)
from okrank.api.auth.principal import (
    NEVER_EXPIRES,
    AuthError,
    AuthUnavailable,
    Principal,
    Role,
    bearer,
)

__all__ = [
    "ALGORITHM",
    "DEFAULT_TTL_SECONDS",
    "ISSUER",
    "NEVER_EXPIRES",
    "AuthError",
    "AuthUnavailable",
    "Principal",
    "Role",
    "SecretMissing",
    "bearer",
    "issue_token",
    "load_secret",
    "verify_token",
]
