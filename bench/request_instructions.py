"""Server CPU per GraphQL request, counted in instructions: noise-free where wall-clock is not.

The machines are shared, and the same request loop measures 2× apart from one run to the next.
Instruction counts under valgrind's callgrind are repeatable, so this is the figure to compare
before and after a change to the request path: the okrank ASGI app is driven in-process (no
HTTP client, no network; PostgreSQL runs as usual, outside the count) and instructions are
counted only around the timed loop of requests (`callgrind_control -i on/off`).

Run: .venv/bin/python -m bench.request_instructions [--requests 100] [--query QUERY]
Needs valgrind (Debian package `valgrind`). A run takes about a minute (valgrind is ~50× slower).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from bench.common import SECRET, Database, admin_token, seed
from bench.ranking_read import QUERY
from okrank.api.graphql.ids import to_global_id
from okrank.api.http.app import create_app
from okrank.projections.engine.runner import rebuild

UNDER_CALLGRIND = "OKRANK_UNDER_CALLGRIND"


def _collect(on: bool) -> None:
    if os.environ.get(UNDER_CALLGRIND):
        subprocess.run(
            ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
            stdout=subprocess.DEVNULL,
            check=True,
        )


async def drive(app: Any, query: str, objectives: list[str], token: str, requests: int) -> None:
    """Start the app's lifespan, warm it up, then count `requests` POSTs to /graphql."""
    lifespan: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()
    await lifespan.put({"type": "lifespan.startup"})

    async def lifespan_send(message: dict[str, Any]) -> None:
        started.set()

    task = asyncio.create_task(
        app(
            {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
            lifespan.get,
            lifespan_send,
        )
    )
    await started.wait()

    async def one(n: int) -> None:
        body = json.dumps({"query": query, "variables": {"o": objectives[n % len(objectives)]}})
        raw = body.encode()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"127.0.0.1"),
                (b"content-type", b"application/json"),
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-length", str(len(raw)).encode()),
            ],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        pending = [{"type": "http.request", "body": raw, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return pending.pop() if pending else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)
        assert sent[0]["status"] == 200, sent
        assert b'"errors"' not in sent[1]["body"], sent[1]["body"][:300]

    for n in range(30):  # parser and validation caches, plans, pool connections
        await one(n)
    _collect(True)
    for n in range(requests):
        await one(n)
    _collect(False)
    await lifespan.put({"type": "lifespan.shutdown"})
    await task


def measure(args: argparse.Namespace) -> None:
    db = Database()
    try:
        seeded = seed(db, args.items, args.objectives)
        rebuild(db.url)
        objectives = [to_global_id("Objective", o) for o in seeded.objectives]
        app = create_app(db.url, SECRET, run_projections=False)
        asyncio.run(drive(app, args.query, objectives, admin_token(), args.requests))
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--items", type=int, default=400, help="50 per objective by default")
    parser.add_argument("--objectives", type=int, default=8)
    parser.add_argument("--query", default=QUERY, help="GraphQL; $o is an objective's ID")
    args = parser.parse_args()
    if os.environ.get(UNDER_CALLGRIND):
        return measure(args)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian package: valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.request_instructions",
                *sys.argv[1:],
            ],
            env={**os.environ, UNDER_CALLGRIND: "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        with open(out) as f:
            lines = [line.split() for line in f if line.startswith(("totals:", "summary:"))]
        total = int(lines[-1][1])
    per_request = total / args.requests
    print(f"{per_request / 1e6:.2f} M instructions per request ({args.requests} requests)")
    print(json.dumps({"instructions_per_request": per_request, "requests": args.requests}))


if __name__ == "__main__":
    main()
