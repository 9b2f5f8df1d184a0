"""Identity configuration refuses what would weaken verification, before the server starts."""

from __future__ import annotations

import pytest

from okrank.api.auth.settings import ConfigError, IdentitySettings

PROVIDER = {"OKRANK_JWT_ISSUER": "https://idp.test/", "OKRANK_JWT_AUDIENCE": "okrank"}


def test_without_a_jwks_only_okrank_and_service_tokens_are_accepted():
    assert not IdentitySettings.from_env({}).external


def test_a_jwks_file_with_issuer_and_audience_is_accepted():
    s = IdentitySettings.from_env({"OKRANK_JWKS_FILE": "/etc/jwks.json", **PROVIDER})
    assert s.external and s.algorithms == ("RS256", "ES256")
    assert (s.claims.workspace, s.claims.roles, s.claims.subject) == (
        "okrank_workspace",
        "okrank_roles",
        "sub",
    )


@pytest.mark.parametrize(
    "env",
    [
        {"OKRANK_JWKS_FILE": "/a", "OKRANK_JWKS_URL": "https://idp.test/jwks", **PROVIDER},
        {"OKRANK_JWKS_URL": "https://idp.test/jwks"},  # no issuer nor audience
        {"OKRANK_JWKS_FILE": "/a", "OKRANK_JWT_ISSUER": "https://idp.test/"},  # no audience
        {"OKRANK_JWKS_URL": "file:///etc/jwks.json", **PROVIDER},
        {"OKRANK_JWKS_FILE": "/a", "OKRANK_JWT_ALGORITHMS": "RS256,HS256", **PROVIDER},
        {"OKRANK_JWKS_FILE": "/a", "OKRANK_JWT_ALGORITHMS": "none", **PROVIDER},
        {"OKRANK_JWKS_FILE": "/a", "OKRANK_JWT_ALGORITHMS": " ", **PROVIDER},
        {"OKRANK_JWKS_TIMEOUT_SECONDS": "soon"},
        {"OKRANK_JWKS_TIMEOUT_SECONDS": "-1"},
        {"OKRANK_JWT_LEEWAY_SECONDS": "nan"},
    ],
)
def test_a_weakening_or_broken_setting_is_refused(env):
    with pytest.raises(ConfigError):
        IdentitySettings.from_env(env)
