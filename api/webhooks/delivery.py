"""Webhooks: registered endpoints, their delivery cursor and attempts (tables), and the worker
that POSTs the changes of each endpoint's stream (ranking changes or OKR changes) to them.

Every stream is delivered by the same rules, read from its outbox (api.webhooks.streams).
Delivery is in cursor order per endpoint, in batches of up to 100 changes per POST, signed with
HMAC-SHA256 over "<timestamp>.<body>" (header `Okrank-Signature: t=<unix>,v1=<hex>`), so a
receiver can verify the sender and reject replays by age. A failed POST is retried with
exponential backoff; after `PAUSE_AFTER` consecutive failures the endpoint is paused until
resumed. Everything lives in PostgreSQL, so deliveries survive restarts. One process delivers at a
time (advisory lock); the others stand by. Connections go only to addresses the address policy
allows, checked as resolved at each connection (api.webhook_transport); failures are recorded
in words that name no address or port.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from okrank.api.database.read_pool import ReadPool
from okrank.api.graphql.ids import to_global_id
from okrank.api.webhooks.settings import SETTINGS
from okrank.api.webhooks.streams import DELIVERIES, WebhookStream
from okrank.api.webhooks.transport import AddressNotAllowed, VettedTransport, failure_reason
from okrank.projections.engine.repeated_failure import RepeatedFailure
from okrank.projections.rankings.change_stream import Follower

log = logging.getLogger("okrank.webhooks")

BATCH = 100
TIMEOUT_SECONDS = 5.0
PAUSE_AFTER = SETTINGS.pause_after
BACKOFF_SECONDS = SETTINGS.backoff_seconds
MAX_BACKOFF_SECONDS = 600.0
LOCK_KEY = zlib.crc32(b"okrank:webhooks")
# With no active endpoint, the table is looked at again after this long (a new or resumed one
# gets its first delivery at most this much later; its cursor starts at its registration, so
# nothing is missed), not at each change's wake-up.
IDLE_RECHECK_SECONDS = 1.0
LOCK_CHECK_SECONDS = 1.0  # how often the lock connection is checked to be alive

DDL = [
    """CREATE TABLE IF NOT EXISTS webhook_endpoints (
        id uuid PRIMARY KEY, workspace text NOT NULL, url text NOT NULL, secret text NOT NULL,
        scope uuid, status text NOT NULL, created_at timestamptz NOT NULL,
        created_by text NOT NULL, cursor_position bigint NOT NULL, cursor_ordinal int NOT NULL,
        failures int NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL,
        last_error text)""",
    # Endpoints registered before streams existed follow the ranking changes.
    "ALTER TABLE webhook_endpoints ADD COLUMN IF NOT EXISTS stream text NOT NULL"
    f" DEFAULT '{WebhookStream.RANKINGS.value}'",
    "CREATE INDEX IF NOT EXISTS webhook_endpoints_ws ON webhook_endpoints (workspace, created_at)",
    """CREATE TABLE IF NOT EXISTS webhook_attempts (
        id bigserial PRIMARY KEY, endpoint_id uuid NOT NULL
            REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        at timestamptz NOT NULL, first_cursor text NOT NULL, last_cursor text NOT NULL,
        changes int NOT NULL, status_code int, error text, succeeded bool NOT NULL,
        duration_ms float8 NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS webhook_attempts_endpoint ON webhook_attempts"
    " (endpoint_id, id DESC)",
]


async def create_tables(pool: ReadPool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", LOCK_KEY + 1)
        for ddl in DDL:
            await conn.execute(ddl)


async def backlog(reader: ReadPool | asyncpg.Connection) -> int:
    """How many changes the active endpoints have still to receive, over every stream."""
    endpoints = await reader.fetch(
        "SELECT stream, workspace, scope, cursor_position, cursor_ordinal"
        " FROM webhook_endpoints WHERE status = 'ACTIVE'"
    )
    total = 0
    for stream, delivery in DELIVERIES.items():
        followers = [
            Follower(e["workspace"], e["scope"], (e["cursor_position"], e["cursor_ordinal"]))
            for e in endpoints
            if e["stream"] == stream.value
        ]
        with contextlib.suppress(asyncpg.UndefinedTableError):  # no view has run yet
            total += await delivery.outbox.pending(reader, followers)
    return total


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Okrank-Signature` header value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance_seconds: int = 300) -> bool:
    """What a receiver does: recompute the signature and reject stale timestamps."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


class WebhookDeliverer:
    """Background task of an API process: delivers while it holds the webhook lock."""

    def __init__(self, database_url: str, pool: ReadPool) -> None:
        self.database_url, self.pool = database_url, pool
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._idle_until = 0.0  # monotonic time until which no endpoint is looked for

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        failures = RepeatedFailure(log, "webhook delivery")
        while True:
            try:
                conn = await asyncpg.connect(self.database_url)
                failures.succeeded()
                try:
                    while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
                        await asyncio.sleep(1.0)
                    for delivery in DELIVERIES.values():
                        await conn.add_listener(
                            delivery.outbox.channel, lambda *_: self._wake.set()
                        )
                    transport = VettedTransport(SETTINGS.policy)  # no internal targets
                    async with httpx.AsyncClient(
                        timeout=TIMEOUT_SECONDS, transport=transport, trust_env=False
                    ) as http:
                        checked = time.monotonic()
                        while True:
                            await self._deliver_due(http)
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._wake.wait(), timeout=0.25)
                            self._wake.clear()
                            if time.monotonic() - checked >= LOCK_CHECK_SECONDS:
                                await conn.fetchval("SELECT 1")  # notice a lost lock connection
                                checked = time.monotonic()
                finally:
                    await conn.close()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures.failed(exc)  # once per streak: an outage is not a log flood
                await asyncio.sleep(1.0)

    async def _deliver_due(self, http: httpx.AsyncClient) -> None:
        if time.monotonic() < self._idle_until:
            return  # no active endpoint a moment ago: each change's wake costs no query
        active = await self.pool.fetch(
            "SELECT *, next_attempt_at <= now() AS due FROM webhook_endpoints"
            " WHERE status = 'ACTIVE'"
        )
        if not active:
            self._idle_until = time.monotonic() + IDLE_RECHECK_SECONDS
            return
        due = [endpoint for endpoint in active if endpoint["due"]]
        await asyncio.gather(*(self._deliver(http, endpoint) for endpoint in due))

    async def _deliver(self, http: httpx.AsyncClient, endpoint: Any) -> None:
        stream = WebhookStream(endpoint["stream"])
        delivery = DELIVERIES[stream]
        rows = await delivery.outbox.workspace_changes_after(
            self.pool,
            endpoint["workspace"],
            endpoint["scope"],
            (endpoint["cursor_position"], endpoint["cursor_ordinal"]),
            BATCH,
        )
        if not rows:
            return
        changes = [delivery.change_json(r) for r in rows]
        body = json.dumps(
            {
                "webhookId": to_global_id("Webhook", endpoint["id"]),
                "stream": stream.value,
                "changes": changes,
            }
        ).encode()
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            response = await http.post(
                endpoint["url"],
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "Okrank-Signature": sign(endpoint["secret"], int(time.time()), body),
                    "Okrank-Delivery": changes[0]["cursor"],
                },
            )
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except (httpx.HTTPError, AddressNotAllowed) as exc:
            error = failure_reason(exc)
        elapsed_ms = (time.monotonic() - started) * 1000
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO webhook_attempts (endpoint_id, at, first_cursor, last_cursor,"
                " changes, status_code, error, succeeded, duration_ms)"
                " VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8)",
                endpoint["id"],
                changes[0]["cursor"],
                changes[-1]["cursor"],
                len(changes),
                status,
                error,
                error is None,
                elapsed_ms,
            )
            if error is None:
                await conn.execute(
                    "UPDATE webhook_endpoints SET cursor_position = $2, cursor_ordinal = $3,"
                    " failures = 0, last_error = NULL WHERE id = $1",
                    endpoint["id"],
                    rows[-1]["position"],
                    rows[-1]["ordinal"],
                )
                self._wake.set()  # more may be waiting
            else:
                failures = endpoint["failures"] + 1
                delay = min(BACKOFF_SECONDS * 2 ** (failures - 1), MAX_BACKOFF_SECONDS)
                await conn.execute(
                    "UPDATE webhook_endpoints SET failures = $2, last_error = $3,"
                    " next_attempt_at = $4, status = $5 WHERE id = $1",
                    endpoint["id"],
                    failures,
                    error,
                    datetime.now(UTC) + timedelta(seconds=delay),
                    "PAUSED" if failures >= PAUSE_AFTER else "ACTIVE",
                )
