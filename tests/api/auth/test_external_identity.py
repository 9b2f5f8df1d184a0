"""Tokens from an external identity provider: RS256 and ES256 JWTs verified against its JWKS
(a file, or a URL served on loopback by the test), beside okrank's own HS256 tokens."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from okrank.api.auth import Role, issue_token
from tests.support.identity_provider import (
    AUDIENCE,
    ISSUER,
    JwksServer,
    SigningKey,
    claims,
    unsigned_token,
)
from tests.support.servers import SECRET, ServerProcess

RSA = SigningKey("rsa-1", "RSA")
EC = SigningKey("ec-1", "EC")
STRANGER = SigningKey("rsa-1", "RSA")  # same kid, another key: a forger's


def _env(**extra: str) -> dict[str, str]:
    return {"OKRANK_JWT_ISSUER": ISSUER, "OKRANK_JWT_AUDIENCE": AUDIENCE, **extra}


@pytest.fixture(scope="module")
def file_server(make_database: Any, tmp_path_factory: Any) -> Iterator[ServerProcess]:
    path: Path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [RSA.jwk, EC.jwk]}))
    proc = ServerProcess(make_database(), projections=False, env=_env(OKRANK_JWKS_FILE=str(path)))
    yield proc
    proc.stop()


def _viewer(server: ServerProcess, token: str, timeout: float = 10) -> httpx.Response:
    return httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ viewer { workspace subject roles } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
    )


def _refused(response: httpx.Response) -> str:
    assert response.status_code == 401, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return error["message"]


@pytest.mark.parametrize("key", [RSA, EC], ids=["RS256", "ES256"])
def test_a_provider_token_maps_its_claims_to_the_principal(file_server, key):
    r = _viewer(file_server, key.token())
    assert r.status_code == 200, r.text
    # Roles of other applications in the provider's list are ignored.
    assert r.json()["data"]["viewer"] == {
        "workspace": "ws-idp",
        "subject": "robin@example.test",
        "roles": ["PRODUCT_OWNER"],
    }


def test_okrank_tokens_keep_working_beside_the_provider(file_server):
    token = issue_token(SECRET, "ws-local", "alice", [Role.ADMIN])
    assert _viewer(file_server, token).json()["data"]["viewer"]["subject"] == "alice"


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"iss": "https://evil.example.test/"}, "issuer"),
        ({"aud": "another-api"}, "audience"),
        ({"aud": None}, "aud"),
        ({"exp": None}, "exp"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"exp": str(int(time.time()) + 3600)}, "exp"),
        ({"kid": "unknown-kid"}, "unknown signing key"),
        ({"okrank_roles": ["some-other-app-role"]}, "no okrank role"),
        ({"okrank_workspace": None}, "okrank_workspace"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_provider_token_with_bad_claims_is_refused(file_server, overrides, why):
    assert why in _refused(_viewer(file_server, RSA.token(**overrides))).lower()


def test_a_token_signed_by_another_key_with_a_known_kid_is_refused(file_server):
    assert "signature" in _refused(_viewer(file_server, STRANGER.token())).lower()


def test_alg_none_is_refused(file_server):
    token = unsigned_token({"alg": "none", "kid": RSA.kid, "typ": "JWT"}, claims(), None)
    _refused(_viewer(file_server, token))


def test_hs256_with_the_public_key_as_secret_is_refused(file_server):
    """Algorithm confusion: the public key is public, so an HS256 'signature' made with it
    must not verify. HS256 is only ever checked with okrank's own secret."""
    for key in (RSA.public_pem, json.dumps(RSA.jwk).encode()):
        token = unsigned_token({"alg": "HS256", "kid": RSA.kid, "typ": "JWT"}, claims(), key)
        _refused(_viewer(file_server, token))


def test_an_algorithm_that_does_not_match_the_key_is_refused(file_server):
    """An EC signature announced as RS256 under the RSA key's kid (or the reverse) fails
    before any signature check."""
    forged = EC.token(kid=RSA.kid)
    assert "does not match" in _refused(_viewer(file_server, forged))


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    idp = JwksServer([RSA])
    yield idp
    idp.stop()


@pytest.fixture
def url_server(make_database: Any, jwks_server: JwksServer) -> Iterator[ServerProcess]:
    env = _env(
        OKRANK_JWKS_URL=jwks_server.url,
        OKRANK_JWKS_TIMEOUT_SECONDS="0.5",
        OKRANK_JWKS_MIN_REFRESH_SECONDS="0.5",
    )
    proc = ServerProcess(make_database(), projections=False, env=env)
    yield proc
    proc.stop()


def _until_accepted(server: ServerProcess, token: str, deadline_seconds: float = 15) -> None:
    deadline = time.monotonic() + deadline_seconds
    while True:
        r = _viewer(server, token)
        if r.status_code == 200 or time.monotonic() > deadline:
            break
    assert r.status_code == 200, r.text


def test_a_rotated_key_is_fetched_once(url_server, jwks_server):
    assert _viewer(url_server, RSA.token()).status_code == 200
    fetched = jwks_server.fetches  # the start-up fetch
    assert fetched >= 1
    assert _viewer(url_server, RSA.token()).status_code == 200
    assert jwks_server.fetches == fetched  # known keys come from memory

    rotated = SigningKey("rsa-2", "RSA")
    jwks_server.keys.append(rotated)
    _until_accepted(url_server, rotated.token())
    assert jwks_server.fetches == fetched + 1
    for _ in range(3):
        assert _viewer(url_server, rotated.token()).status_code == 200
    assert jwks_server.fetches == fetched + 1


def test_a_stalled_provider_stalls_no_request(url_server, jwks_server):
    assert _viewer(url_server, RSA.token()).status_code == 200
    jwks_server.release.clear()  # the provider now holds every request
    try:
        before = jwks_server.fetches
        deadline = time.monotonic() + 15
        # Unknown kids are refused after the fetch timeout (0.5 s here), long before the
        # provider answers (10 s) or this client gives up (3 s); a fetch is attempted at most
        # once per min-refresh interval.
        unknown = SigningKey("rsa-9", "RSA").token()
        while jwks_server.fetches == before and time.monotonic() < deadline:
            _refused(_viewer(url_server, unknown, timeout=3))
        assert jwks_server.fetches > before
        # Cached keys keep working while the provider stalls.
        assert _viewer(url_server, RSA.token(), timeout=3).status_code == 200
    finally:
        jwks_server.release.set()
