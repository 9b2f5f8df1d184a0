"""The README's front door: `okrank serve` with an embedded PostgreSQL kept across restarts,
and `okrank token` minting a token that server accepts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.paths import ROOT
from tests.support.servers import free_port

OKRANK = [sys.executable, "-m", "okrank.api.cli"]


def start(data_dir: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OKRANK_SECRET")}
    proc = subprocess.Popen(
        [*OKRANK, "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = [proc.stdout.readline() for _ in range(4)]  # type: ignore[union-attr]
    assert lines[0].startswith(f"okrank serving GraphQL at http://127.0.0.1:{port}/graphql")
    token = lines[3].strip()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                return proc, token
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("okrank serve did not become ready")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


def gql(port: int, token: str, query: str) -> dict:
    r = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_serve_prints_a_working_token_and_keeps_data_across_restarts():
    data_dir = Path(tempfile.mkdtemp(prefix="okrank-cli-", dir="/tmp"))
    port = free_port()
    try:
        proc, token = start(data_dir, port)
        try:
            created = gql(
                port,
                token,
                'mutation { createBacklogItem(input: {title: "kept"})'
                " { ... on BacklogItemSuccess { backlogItem { id } } } }",
            )
        finally:
            stop(proc)
        assert not (data_dir / "pg" / "postmaster.pid").exists()  # PostgreSQL stopped with it
        proc, _ = start(data_dir, port)
        try:
            minted = subprocess.run(
                [
                    *OKRANK,
                    "token",
                    "--data-dir",  # after the command works as well as before it
                    str(data_dir),
                    "--workspace",
                    "local",
                    "--role",
                    "MEMBER",
                    "--subject",
                    "reader",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            item_id = created["createBacklogItem"]["backlogItem"]["id"]
            data = gql(
                port, minted, f'{{ viewer {{ subject }} backlogItem(id: "{item_id}") {{ title }} }}'
            )
            assert data == {"viewer": {"subject": "reader"}, "backlogItem": {"title": "kept"}}
        finally:
            stop(proc)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
