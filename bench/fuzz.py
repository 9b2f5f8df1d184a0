"""A longer schema-driven fuzz run than the suite's (tests/api/graphql/test_fuzz.py): generated
queries and mutations with real seeded IDs, another workspace's IDs and hostile strings, against
a real server on loopback. Prints the answers' statuses and every kind of finding (5xx, not JSON,
masked internal error, untyped execution error, read model lagging, hang) with examples, and
whether the service was still healthy and the bystander workspace untouched afterwards.

Run: .venv/bin/python -m bench.fuzz [--operations 5000] [--seconds 900] [--quick]
"""

from __future__ import annotations

import json
import signal
import sys
import time
import uuid

import httpx

from bench.arguments import arguments
from bench.common import Database, Server
from tests.support import fuzzing
from tests.support.servers import SECRET


def main() -> None:
    args = arguments(
        __doc__,
        {"operations": 500},
        {"seconds": "stop after this long"},
        operations=5000,
        seconds=900.0,
    )
    operations = args.operations

    # SIGTERM ends the run like Ctrl-C: the server and the database are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    db = Database()
    server = Server(
        "okrank.api.http.app:create_app",
        {"OKRANK_DATABASE_URL": db.url, "OKRANK_SECRET": SECRET, "OKRANK_PROJECTIONS": "1"},
    )
    try:
        workspace = f"fuzz-{uuid.uuid4().hex[:8]}"
        seed = fuzzing.seed_workspaces(server.url, workspace)
        before = fuzzing.bystander_state(seed)
        began = time.perf_counter()
        findings = fuzzing.run(
            server.url, seed, workspace, examples=operations, seconds=args.seconds
        )
        seconds = time.perf_counter() - began
        ready = httpx.get(f"{server.url}/readyz", timeout=10).status_code == 200
        untouched = fuzzing.bystander_state(seed) == before
        for kind, examples in findings.examples.items():
            print(f"=== {kind}: {findings.kinds[kind]} ===")
            for example in examples[:2]:
                print(example[:1500], "\n")
        result = {
            **findings.summary(),
            "seconds": round(seconds, 1),
            "ready_after": ready,
            "bystander_untouched": untouched,
        }
        print(json.dumps(result))
    finally:
        server.close()
        db.close()


if __name__ == "__main__":
    main()
