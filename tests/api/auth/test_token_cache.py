"""The authenticator remembers verified tokens, but never past their expiry nor a bad one."""

from __future__ import annotations

import asyncio
import time

import pytest

from okrank.api.auth import AuthError, Role, issue_token
from okrank.api.auth.authenticator import Authenticator

SECRET = "token-cache-test-secret-0123456789abcdef"


def test_a_remembered_token_still_expires():
    auth = Authenticator(SECRET)
    token = issue_token(SECRET, "ws", "alice", [Role.MEMBER], ttl_seconds=1)
    first = asyncio.run(auth.authenticate(token))
    assert asyncio.run(auth.authenticate(token)) is first  # remembered
    time.sleep(max(0.0, first.expires_at - time.time()) + 0.1)
    with pytest.raises(AuthError, match="expired"):
        asyncio.run(auth.authenticate(token))


def test_a_bad_token_is_never_remembered():
    auth = Authenticator(SECRET)
    forged = issue_token("another-secret-0123456789abcdef0123", "ws", "eve", [Role.ADMIN])
    for _ in range(2):
        with pytest.raises(AuthError):
            asyncio.run(auth.authenticate(forged))
    assert forged not in auth._verified
