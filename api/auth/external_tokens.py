"""Tokens from an external identity provider: RS256/ES256 JWTs checked against its JWKS."""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from okrank.api.auth.claims import principal_from_claims
from okrank.api.auth.jwks import SigningKeys
from okrank.api.auth.principal import AuthError, Principal


@dataclass(frozen=True)
class ClaimNames:
    """Where the provider puts what okrank needs (see OKRANK_JWT_*_CLAIM)."""

    workspace: str = "okrank_workspace"
    roles: str = "okrank_roles"
    subject: str = "sub"


class ExternalVerifier:
    """Algorithms are pinned twice: the header's `alg` must be an allowed asymmetric one and
    the one the key itself is for, so neither `none` nor a public key used as an HMAC secret
    can pass; `iss`, `aud`, `exp` and `sub` are required."""

    def __init__(
        self,
        keys: SigningKeys,
        issuer: str,
        audience: str,
        algorithms: tuple[str, ...],
        claims: ClaimNames,
        leeway_seconds: float,
    ) -> None:
        self.keys, self.issuer, self.audience = keys, issuer, audience
        self.algorithms, self.claims, self.leeway = algorithms, claims, leeway_seconds

    def handles(self, alg: object) -> bool:
        return alg in self.algorithms

    async def verify(self, token: str, header: dict[str, object]) -> Principal:
        kid, alg = header.get("kid"), header.get("alg")
        if not isinstance(kid, str) or not kid or len(kid) > 200:
            raise AuthError("invalid token: no key id (kid)")
        key = await self.keys.key(kid)
        if key is None:
            raise AuthError("invalid token: unknown signing key")
        if key.algorithm_name != alg:
            raise AuthError("invalid token: algorithm does not match the key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", self.claims.subject]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        return principal_from_claims(
            claims,
            self.claims.workspace,
            self.claims.roles,
            self.claims.subject,
            ignore_unknown_roles=True,
        )
