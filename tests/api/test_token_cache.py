"""The HTTP guard remembers verified tokens, but never past their expiry nor a bad one."""

from __future__ import annotations

import time

import pytest

from api.app import GraphQLGuard
from api.auth import AuthError, Role, issue_token

SECRET = "token-cache-test-secret-0123456789abcdef"


def test_a_remembered_token_still_expires():
    guard = GraphQLGuard(app=None, secret=SECRET)  # type: ignore[arg-type]
    token = issue_token(SECRET, "ws", "alice", [Role.MEMBER], ttl_seconds=1)
    first = guard.principal(token)
    assert guard.principal(token) is first  # remembered
    time.sleep(max(0.0, first.expires_at - time.time()) + 0.1)
    with pytest.raises(AuthError, match="expired"):
        guard.principal(token)


def test_a_bad_token_is_never_remembered():
    guard = GraphQLGuard(app=None, secret=SECRET)  # type: ignore[arg-type]
    forged = issue_token("another-secret-0123456789abcdef0123", "ws", "eve", [Role.ADMIN])
    for _ in range(2):
        with pytest.raises(AuthError):
            guard.principal(forged)
    assert forged not in guard._verified
