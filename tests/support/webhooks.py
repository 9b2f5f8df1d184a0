"""A webhook receiver on loopback that records what okrank posts to it; endpoints written
straight into the table for the deliverer's own tests."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg

WEBHOOK = "... on WebhookSuccess { secret webhook { id status consecutiveFailures deliveredUpTo } }"


class Receiver:
    """A real HTTP server on loopback that fails the first `failures` POSTs."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.attempts = 0
        self.posted = threading.Condition()  # notified on every POST, accepted or not
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.posted:
                    receiver.attempts += 1
                    failed = receiver.attempts <= receiver.failures
                    if not failed:
                        receiver.received.append((dict(self.headers), body))
                    receiver.posted.notify_all()
                self.send_response(503 if failed else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def changes(self) -> list[dict]:
        return [c for _, body in self.received for c in json.loads(body)["changes"]]

    def wait_for(self, count: int, timeout: float = 20) -> list[dict]:
        """Until `count` changes have been accepted."""
        with self.posted:
            if not self.posted.wait_for(lambda: len(self.changes()) >= count, timeout):
                raise AssertionError(f"received {len(self.changes())} of {count} changes")
            return self.changes()

    def wait_for_attempts(self, count: int, timeout: float = 20) -> int:
        """Until okrank has posted `count` times (accepted or refused)."""
        with self.posted:
            if not self.posted.wait_for(lambda: self.attempts >= count, timeout):
                raise AssertionError(f"{self.attempts} of {count} delivery attempts")
            return self.attempts

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def add_endpoint(
    pool: asyncpg.Pool,
    stream: str,
    workspace: str,
    scope: uuid.UUID | None,
    after: tuple[int, int],
    status: str = "ACTIVE",
) -> None:
    await pool.execute(
        "INSERT INTO webhook_endpoints (id, workspace, url, secret, scope, status, created_at,"
        " created_by, cursor_position, cursor_ordinal, next_attempt_at, stream)"
        " VALUES (gen_random_uuid(), $1, 'http://h/x', 'a-secret-of-16-chars', $2, $3, now(),"
        " 'po', $4, $5, now(), $6)",
        workspace,
        scope,
        status,
        *after,
        stream,
    )
