"""A signed token's dates must be numbers and it must expire: PyJWT alone would take a string
"exp" (it converts with int()), so a far-future string made a token that never expired."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from okrank.api.auth import AuthError
from okrank.api.auth.claims import require_numeric_dates
from tests.support.servers import SECRET


def _signed(**overrides: Any) -> str:
    now = int(time.time())
    claims = {"iss": "okrank", "sub": "alice", "ws": "ws-claims", "roles": ["ADMIN"]}
    claims |= {"iat": now, "exp": now + 600, **overrides}
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, SECRET, "HS256")


def _viewer(server: Any, token: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_well_formed_token_is_accepted(server):
    assert _viewer(server, _signed()).json()["data"] == {"viewer": {"subject": "alice"}}


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", str(int(time.time()) + 10**6)),  # the numeric string PyJWT converts
        ("exp", True),
        ("iat", str(int(time.time()))),
        ("nbf", str(int(time.time()) - 10)),
    ],
    ids=["exp-numeric-string", "exp-boolean", "iat-numeric-string", "nbf-numeric-string"],
)
def test_a_date_claim_that_is_not_a_number_is_refused(server, claim, value):
    r = _viewer(server, _signed(**{claim: value}))
    assert r.status_code == 401
    assert r.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_token_without_exp_is_refused(server):
    r = _viewer(server, _signed(exp=None))
    assert r.status_code == 401 and "exp" in r.json()["errors"][0]["message"]


def test_numeric_dates_accept_numbers_only():
    require_numeric_dates({"exp": 1, "iat": 1.5, "nbf": 0})
    for bad in ("1", None, [1], float("inf"), False):
        with pytest.raises(AuthError):
            require_numeric_dates({"exp": bad})
