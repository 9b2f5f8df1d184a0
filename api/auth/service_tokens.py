"""Service tokens for machine clients: opaque random secrets, stored only as SHA-256 hashes.

State lives in a plain PostgreSQL table of the API layer (like webhooks), not in the event
store: a credential is operational state that every request reads, its revocation must hold
at once on every API process (a projection would lag), and the table keeps the audit that
matters: who created and who revoked it, and when.

A request's token is looked up by hash (one indexed statement that also bumps `last_used_at`,
at most once per `TOUCH_SECONDS`) and then remembered for `CACHE_SECONDS`: a lookup costs
~0.3 ms, a remembered token ~1 µs. Revocation NOTIFYs every process in its transaction; each
forgets the token, closes the WebSockets and ends the HTTP streams (SSE, multipart
subscriptions) opened with it as the notification arrives, and the revoking process does so
before it answers. A process remembers tokens only while its LISTEN
connection is up (on loss it forgets them all and looks every token up until it listens
again), so no cache entry outlives a revocation it could have missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
import weakref
import zlib
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import asyncpg
from starlette.types import Message, Receive
from starlette.websockets import WebSocket, WebSocketState

from okrank.api.auth.principal import NEVER_EXPIRES, AuthError, AuthUnavailable, Principal, Role
from okrank.api.database.read_pool import ReadPool

log = logging.getLogger("okrank.service_tokens")

PREFIX = "okr_st_"  # tells the guard to look the token up instead of verifying a JWT
MAX_TOKEN_LENGTH = 100
TOUCH_SECONDS = 60  # last_used_at is at most this stale; saves a write per request
CACHE_SECONDS = 30.0  # a remembered token is looked up again after this (a safety net)
CACHE_SIZE = 10_000
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


async def create_tables(pool: ReadPool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY)
        for ddl in DDL:
            await conn.execute(ddl)


class ServiceTokens:
    """Per process: looks tokens up, remembers them while it listens for revocations, and
    closes WebSockets of revoked ones."""

    def __init__(self) -> None:
        self.pool: ReadPool | None = None
        self._sockets: dict[UUID, weakref.WeakValueDictionary[int, WebSocket]] = {}
        self._task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()  # keeps fire-and-forget tasks alive
        self._listening = False
        self._cache: dict[bytes, tuple[Principal, float]] = {}  # hash -> principal, cached at
        self._touched: dict[UUID, float] = {}  # token id -> when last_used_at was last bumped
        self.listener_pid: int | None = None  # the LISTEN connection's backend, while up
        self._streams: dict[UUID, set[asyncio.Event]] = {}  # HTTP requests to cut on revoke
        self._forgotten = 0  # counts revocations heard: a lookup that overlapped one is not kept

    async def start(self, pool: ReadPool, database_url: str) -> None:
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
        digest, now = token_hash(token), time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and self._listening and now - cached[1] < CACHE_SECONDS:
            self._touch(cached[0].service_token_id, now)
            return cached[0]
        generation = self._forgotten
        try:
            row = await self.pool.fetchrow(LOOKUP, digest)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise AuthUnavailable("service tokens cannot be checked now") from exc
        if row is None:
            raise AuthError("invalid token: unknown or revoked service token")
        principal = Principal(
            workspace=row["workspace"],
            subject=subject_of(row["name"]),
            roles=frozenset(Role(r) for r in row["roles"]),
            expires_at=NEVER_EXPIRES,
            service_token_id=row["id"],
        )
        self._touched.setdefault(row["id"], now)  # the lookup bumped it if it was due
        if self._listening and generation == self._forgotten:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[digest] = (principal, now)
        return principal

    def _touch(self, token_id: UUID | None, now: float) -> None:
        """Bump last_used_at behind the request, at most once per TOUCH_SECONDS a process."""
        if token_id is None or now - self._touched.get(token_id, 0.0) < TOUCH_SECONDS:
            return
        self._touched[token_id] = now
        assert self.pool is not None
        self._spawn(
            self.pool.execute(
                "UPDATE service_tokens SET last_used_at = now() WHERE id = $1"
                f" AND (last_used_at IS NULL OR last_used_at < now() - interval"
                f" '{TOUCH_SECONDS} seconds')",
                token_id,
            )
        )

    def _spawn(self, work: Any) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                log.warning("service token background work failed", exc_info=True)

        task = asyncio.get_running_loop().create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def watch(self, principal: Principal, websocket: WebSocket) -> None:
        """Close `websocket` when the service token behind `principal` is revoked."""
        if principal.service_token_id is None:
            return
        sockets = self._sockets.setdefault(
            principal.service_token_id, weakref.WeakValueDictionary()
        )
        sockets[id(websocket)] = websocket

    @contextlib.contextmanager
    def cut_on_revoke(self, principal: Principal, receive: Receive) -> Iterator[Receive]:
        """An HTTP request's `receive` that reports a disconnect once the service token is
        revoked: Starlette then ends a streaming response (SSE, multipart subscriptions)."""
        token_id = principal.service_token_id
        if token_id is None:
            yield receive
            return
        revoked = asyncio.Event()
        streams = self._streams.setdefault(token_id, set())
        streams.add(revoked)

        async def receive_until_revoked() -> Message:
            if revoked.is_set():
                return {"type": "http.disconnect"}
            message = asyncio.ensure_future(receive())
            cut = asyncio.ensure_future(revoked.wait())
            await asyncio.wait((message, cut), return_when=asyncio.FIRST_COMPLETED)
            cut.cancel()
            if message.done():
                return message.result()
            message.cancel()
            return {"type": "http.disconnect"}

        try:
            yield receive_until_revoked
        finally:
            streams.discard(revoked)
            if not streams:
                self._streams.pop(token_id, None)

    async def revoked(self, token_id: UUID) -> None:
        """Forget the token and close its WebSockets (on the NOTIFY, and in the revoking
        process before it answers)."""
        self.forget(token_id)
        for stream in self._streams.get(token_id, ()):
            stream.set()
        for websocket in list(self._sockets.pop(token_id, {}).values()):
            if websocket.application_state != WebSocketState.DISCONNECTED:
                with contextlib.suppress(Exception):
                    await websocket.close(code=4401, reason="token revoked")

    def forget(self, token_id: UUID) -> None:
        self._forgotten += 1
        for digest in [d for d, (p, _) in self._cache.items() if p.service_token_id == token_id]:
            del self._cache[digest]

    def _stop_caching(self, *_: Any) -> None:
        self._forgotten += 1
        self._listening, self.listener_pid = False, None
        self._cache.clear()

    async def _listen(self, database_url: str) -> None:
        """LISTEN for revocations; after a lost connection, re-check the watched tokens, since
        a revocation may have been missed meanwhile."""
        while True:
            try:
                conn = await asyncpg.connect(database_url)
                try:
                    conn.add_termination_listener(self._stop_caching)
                    await conn.add_listener(REVOKED_CHANNEL, self._on_notify)
                    self._cache.clear()
                    self._listening, self.listener_pid = True, conn.get_server_pid()
                    await self._close_revoked(conn)
                    while True:
                        await asyncio.sleep(2.0)
                        # notice a lost connection
                        await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout=2.0)
                finally:
                    self._stop_caching()
                    with contextlib.suppress(Exception):
                        await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("service token revocation listener failed; restarting")
                await asyncio.sleep(1.0)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        with contextlib.suppress(ValueError):
            token_id = UUID(payload)
            self.forget(token_id)  # now, before any request that follows
            self._spawn(self.revoked(token_id))

    async def _close_revoked(self, conn: asyncpg.Connection) -> None:
        watched = [i for i, sockets in self._sockets.items() if len(sockets)]
        watched += list(self._streams)
        if watched:
            rows = await conn.fetch(
                "SELECT id FROM service_tokens WHERE id = ANY($1) AND revoked_at IS NOT NULL",
                watched,
            )
            for r in rows:
                await self.revoked(r["id"])
