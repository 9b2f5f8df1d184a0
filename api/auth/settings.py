"""Identity configuration, read from OKRANK_* environment variables in this one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from okrank.api.auth.external_tokens import ClaimNames

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class IdentitySettings:
    """Without a JWKS (file or URL) only okrank's own tokens and service tokens are accepted."""

    jwks_file: Path | None = None
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    claims: ClaimNames = field(default_factory=ClaimNames)
    leeway_seconds: float = 30.0
    jwks_timeout_seconds: float = 2.0
    jwks_max_age_seconds: float = 300.0
    jwks_min_refresh_seconds: float = 10.0

    @property
    def external(self) -> bool:
        return bool(self.jwks_file or self.jwks_url)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> IdentitySettings:
        env = dict(os.environ if env is None else env)

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            try:
                value = default if raw is None else float(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a number") from None
            if not value >= 0:
                raise ConfigError(f"{name} must be ≥ 0")
            return value

        jwks_file = env.get("OKRANK_JWKS_FILE") or None
        jwks_url = env.get("OKRANK_JWKS_URL") or None
        if jwks_file and jwks_url:
            raise ConfigError("set OKRANK_JWKS_FILE or OKRANK_JWKS_URL, not both")
        if jwks_url and not jwks_url.startswith(("https://", "http://")):
            raise ConfigError("OKRANK_JWKS_URL must be an http(s) URL")
        issuer = env.get("OKRANK_JWT_ISSUER") or None
        audience = env.get("OKRANK_JWT_AUDIENCE") or None
        if (jwks_file or jwks_url) and not (issuer and audience):
            raise ConfigError("a JWKS needs OKRANK_JWT_ISSUER and OKRANK_JWT_AUDIENCE")
        algorithms = tuple(
            a.strip()
            for a in env.get("OKRANK_JWT_ALGORITHMS", "RS256,ES256").split(",")
            if a.strip()
        )
        if not algorithms or not set(algorithms) <= ASYMMETRIC:
            raise ConfigError(f"OKRANK_JWT_ALGORITHMS: only {', '.join(sorted(ASYMMETRIC))}")
        defaults = ClaimNames()
        return cls(
            jwks_file=Path(jwks_file) if jwks_file else None,
            jwks_url=jwks_url,
            issuer=issuer,
            audience=audience,
            algorithms=algorithms,
            claims=ClaimNames(
                workspace=env.get("OKRANK_JWT_WORKSPACE_CLAIM") or defaults.workspace,
                roles=env.get("OKRANK_JWT_ROLES_CLAIM") or defaults.roles,
                subject=env.get("OKRANK_JWT_SUBJECT_CLAIM") or defaults.subject,
            ),
            leeway_seconds=number("OKRANK_JWT_LEEWAY_SECONDS", 30.0),
            jwks_timeout_seconds=number("OKRANK_JWKS_TIMEOUT_SECONDS", 2.0),
            jwks_max_age_seconds=number("OKRANK_JWKS_MAX_AGE_SECONDS", 300.0),
            jwks_min_refresh_seconds=number("OKRANK_JWKS_MIN_REFRESH_SECONDS", 10.0),
        )
