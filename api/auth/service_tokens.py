"""Service tokens for machine clients: opaque random secrets, stored only as SHA-256 hashes.

State lives in a plain PostgreSQL table of the API layer (like webhooks), not in the event
store: a credential is operational state that every request reads, its revocation must hold
at once on every API process (a projection would lag), and the table keeps the audit that
matters: who created and who revoked it, and when. Each request looks the hash up (one indexed
statement that also bumps `last_used_at`, at most once per `TOUCH_SECONDS`); revocation NOTIFYs
every process, which closes the WebSockets opened with that token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import weakref
import zlib
from typing import Any
from uuid import UUID

import asyncpg
from starlette.websockets import WebSocket, WebSocketState

from api.auth.principal import NEVER_EXPIRES, AuthError, AuthUnavailable, Principal, Role

log = logging.getLogger("okrank.service_tokens")

PREFIX = "okr_st_"  # tells the guard to look the token up instead of verifying a JWT
MAX_TOKEN_LENGTH = 100
TOUCH_SECONDS = 60  # last_used_at is at most this stale; saves a write per request
REVOKED_CHANNEL = "okrank_service_token_revoked"
LOCK_KEY = zlib.crc32(b"okrank:service_tokens")

DDL = [
    """CREATE TABLE IF NOT EXISTS service_tokens (
        id uuid PRIMARY KEY, workspace text NOT NULL, name text NOT NULL,
        roles text[] NOT NULL, token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL, created_by text NOT NULL,
        last_used_at timestamptz, revoked_at timestamptz, revoked_by text)""",
    "CREATE INDEX IF NOT EXISTS service_tokens_ws ON service_tokens (workspace, created_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS service_tokens_active_name ON service_tokens"
    " (workspace, name) WHERE revoked_at IS NULL",
]

LOOKUP = f"""
WITH token AS (
    SELECT id, workspace, name, roles, last_used_at FROM service_tokens
    WHERE token_hash = $1 AND revoked_at IS NULL),
touched AS (
    UPDATE service_tokens SET last_used_at = now()
    WHERE id = (SELECT id FROM token)
      AND (last_used_at IS NULL OR last_used_at < now() - interval '{TOUCH_SECONDS} seconds')
    RETURNING id)
SELECT id, workspace, name, roles FROM token"""


def new_token() -> str:
    """256 random bits: a hash without salt or stretching is enough (it is not a password)."""
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def is_service_token(token: str) -> bool:
    return token.startswith(PREFIX)


def subject_of(name: str) -> str:
    """The actor recorded for what a service token does."""
    return f"service:{name}"


async def create_tables(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
        for ddl in DDL:
            await conn.execute(ddl)


class ServiceTokens:
    """Per process: looks tokens up, and closes WebSockets of revoked ones."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        self._sockets: dict[UUID, weakref.WeakValueDictionary[int, WebSocket]] = {}
        self._task: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()  # keeps close tasks referenced

    async def start(self, pool: asyncpg.Pool, database_url: str) -> None:
        self.pool = pool
        await create_tables(pool)
        self._task = asyncio.create_task(self._listen(database_url))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def authenticate(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_LENGTH or self.pool is None:
            raise AuthError("invalid token")
        try:
            row = await self.pool.fetchrow(LOOKUP, token_hash(token))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise AuthUnavailable("service tokens cannot be checked now") from exc
        if row is None:
            raise AuthError("invalid token: unknown or revoked service token")
        return Principal(
            workspace=row["workspace"],
            subject=subject_of(row["name"]),
            roles=frozenset(Role(r) for r in row["roles"]),
            expires_at=NEVER_EXPIRES,
            service_token_id=row["id"],
        )

    def watch(self, principal: Principal, websocket: WebSocket) -> None:
        """Close `websocket` when the service token behind `principal` is revoked."""
        if principal.service_token_id is None:
            return
        sockets = self._sockets.setdefault(
            principal.service_token_id, weakref.WeakValueDictionary()
        )
        sockets[id(websocket)] = websocket

    async def revoked(self, token_id: UUID) -> None:
        for websocket in list(self._sockets.pop(token_id, {}).values()):
            if websocket.application_state != WebSocketState.DISCONNECTED:
                with contextlib.suppress(Exception):
                    await websocket.close(code=4401, reason="token revoked")

    async def _listen(self, database_url: str) -> None:
        """LISTEN for revocations; after a lost connection, re-check the watched tokens, since
        a revocation may have been missed meanwhile."""
        while True:
            try:
                conn = await asyncpg.connect(database_url)
                try:
                    await conn.add_listener(REVOKED_CHANNEL, self._on_notify)
                    await self._close_revoked(conn)
                    while True:
                        await asyncio.sleep(5.0)
                        await conn.fetchval("SELECT 1")  # notice a lost connection
                finally:
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("service token revocation listener failed; restarting")
                await asyncio.sleep(1.0)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        with contextlib.suppress(ValueError):
            task = asyncio.get_running_loop().create_task(self.revoked(UUID(payload)))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def _close_revoked(self, conn: asyncpg.Connection) -> None:
        watched = [i for i, sockets in self._sockets.items() if len(sockets)]
        if watched:
            rows = await conn.fetch(
                "SELECT id FROM service_tokens WHERE id = ANY($1) AND revoked_at IS NOT NULL",
                watched,
            )
            for r in rows:
                await self.revoked(r["id"])
