"""A process remembers service tokens only while it listens for revocations: when its LISTEN
connection is lost it forgets them all and looks each token up again, so a revocation it could
not hear about still holds at once. Real PostgreSQL; the connection is cut from the server side."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from okrank.api.auth import AuthError
from okrank.api.auth.service_tokens import REVOKED_CHANNEL, ServiceTokens, new_token, token_hash


async def _until(condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        result = condition()
        if result if isinstance(result, bool) else await result:
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"timed out waiting until {what}")


async def _token(pool: asyncpg.Pool) -> tuple[str, uuid.UUID]:
    token, ident = new_token(), uuid.uuid4()
    await pool.execute(
        "INSERT INTO service_tokens (id, workspace, name, roles, token_hash, created_at,"
        " created_by) VALUES ($1, 'ws', $2, '{MEMBER}', $3, now(), 'admin')",
        ident,
        f"t-{ident}",
        token_hash(token),
    )
    return token, ident


def test_a_revocation_missed_while_not_listening_still_holds(make_database: Any):
    url = make_database()

    async def scenario() -> None:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
        tokens = ServiceTokens()
        await tokens.start(pool, url)
        try:
            await _until(lambda: tokens.listener_pid is not None, "it listens")
            token, ident = await _token(pool)
            assert (await tokens.authenticate(token)).service_token_id == ident
            assert tokens._cache  # remembered while listening
            # Cut the LISTEN connection, then revoke without anyone hearing it.
            await pool.execute("SELECT pg_terminate_backend($1)", tokens.listener_pid)
            await _until(lambda: tokens.listener_pid is None, "the loss is noticed")
            await pool.execute("UPDATE service_tokens SET revoked_at = now() WHERE id = $1", ident)
            with pytest.raises(AuthError):
                await tokens.authenticate(token)
            # Listening again, a NOTIFYed revocation drops the remembered token at once.
            await _until(lambda: tokens.listener_pid is not None, "it listens again")
            other, other_id = await _token(pool)
            await tokens.authenticate(other)
            await pool.execute(
                "UPDATE service_tokens SET revoked_at = now() WHERE id = $1", other_id
            )
            await pool.execute("SELECT pg_notify($1, $2)", REVOKED_CHANNEL, str(other_id))
            await _until(lambda: not tokens._cache, "the notification is heard")
            with pytest.raises(AuthError):
                await tokens.authenticate(other)
        finally:
            await tokens.stop()
            await pool.close()

    asyncio.run(scenario())
