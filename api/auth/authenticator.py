"""One entry point from a bearer token to a Principal: service token, okrank's own HS256
JWT, or an identity provider's JWT, told apart by prefix and by the JWT header's `alg`."""

from __future__ import annotations

import time

import jwt

from okrank.api.auth.external_tokens import ExternalVerifier
from okrank.api.auth.jwks import JwksFile, JwksUrl
from okrank.api.auth.local_tokens import ALGORITHM, verify_token
from okrank.api.auth.principal import AuthError, Principal
from okrank.api.auth.service_tokens import ServiceTokens, is_service_token
from okrank.api.auth.settings import IdentitySettings

MAX_JWT_LENGTH = 8192  # larger than any honest token; parsing it is not free


class Authenticator:
    CACHE_SIZE = 10_000  # verified JWTs remembered (a client sends the same one every time)

    def __init__(self, secret: str, settings: IdentitySettings | None = None) -> None:
        self.secret = secret
        self.settings = settings or IdentitySettings()
        self.service_tokens = ServiceTokens()
        self.jwks: JwksFile | JwksUrl | None = None
        self.external: ExternalVerifier | None = None
        s = self.settings
        if s.external:
            if s.jwks_file:
                self.jwks = JwksFile(s.jwks_file, s.algorithms)
            else:
                assert s.jwks_url
                self.jwks = JwksUrl(
                    s.jwks_url,
                    s.algorithms,
                    s.jwks_timeout_seconds,
                    s.jwks_max_age_seconds,
                    s.jwks_min_refresh_seconds,
                )
            assert s.issuer and s.audience
            self.external = ExternalVerifier(
                self.jwks, s.issuer, s.audience, s.algorithms, s.claims, s.leeway_seconds
            )
        self._verified: dict[str, Principal] = {}

    async def authenticate(self, token: str) -> Principal:
        """Service tokens are looked up every time (revocation holds at once). A verified JWT
        is remembered, as checking a signature costs ~0.1 ms (HS256) to ~1 ms (RSA); it still
        expires on time, and a token that fails verification is never remembered."""
        if is_service_token(token):
            return await self.service_tokens.authenticate(token)
        principal = self._verified.get(token)
        if principal is not None:
            if principal.expires_at > time.time():
                return principal
            del self._verified[token]
        principal = await self._verify_jwt(token)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = principal
        return principal

    async def _verify_jwt(self, token: str) -> Principal:
        if len(token) > MAX_JWT_LENGTH:
            raise AuthError("invalid token: too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        alg = header.get("alg")
        if alg == ALGORITHM:
            return verify_token(self.secret, token)
        if self.external is not None and self.external.handles(alg):
            return await self.external.verify(token, header)
        raise AuthError("invalid token: algorithm not allowed")

    async def start(self) -> None:
        if isinstance(self.jwks, JwksUrl):
            await self.jwks.refresh()

    async def stop(self) -> None:
        if isinstance(self.jwks, JwksUrl):
            await self.jwks.close()
