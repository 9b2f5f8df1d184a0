"""Real okrank server processes (uvicorn) on loopback, and the secret their tokens carry."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from typing import IO, Any

import httpx

from tests.support.paths import ROOT

SECRET = "test-secret-" + uuid.uuid4().hex


def end_process(proc: subprocess.Popen[Any], patience: float = 10) -> None:
    """Ask the process (by its PID) to end; kill it if it has not within `patience` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """An okrank server (`python -m okrank.api.http.server`: uvicorn) on loopback, ended by PID."""

    def __init__(
        self,
        database_url: str,
        projections: bool = True,
        env: dict[str, str] | None = None,
        log_level: str = "warning",
        output: IO[bytes] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            # The webhook tests' receivers listen on loopback, which okrank refuses by default.
            "OKRANK_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
            "OKRANK_DATABASE_URL": database_url,
            "OKRANK_SECRET": SECRET,
            "OKRANK_PROJECTIONS": "1" if projections else "0",
            "OKRANK_WEBHOOK_BACKOFF": "0.05",  # retry failed webhooks quickly in tests
            # Several servers share a worker's PostgreSQL (max_connections 100): a pool of 32
            # each (the default) ran it out of connections; tests never need that many.
            "OKRANK_DATABASE_POOL_SIZE": "8",
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                # uvicorn with okrank's connection limits, as `okrank serve`
                "okrank.api.http.server",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                log_level,
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
        # Generous: on a loaded machine (parallel test workers, each with its own PostgreSQL and
        # servers) importing the schema and creating the read models takes tens of seconds.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("okrank server exited during start-up")
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("okrank server did not become ready")

    def stop(self) -> None:
        end_process(self.proc)
