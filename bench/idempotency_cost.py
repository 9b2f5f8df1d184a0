"""What an Idempotency-Key costs a mutation: `createBacklogItem` through HTTP, sequential, one
server on loopback, alternating rounds with and without a key (so drift on a shared machine hits
both alike). A keyed mutation adds three PostgreSQL round trips (claim the key, record the
committed command, store the answer).

Run: .venv/bin/python -m bench.idempotency_cost [--mutations 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid

import httpx

from bench.common import Database, admin_token, okrank_server, pct

CREATE = (
    "mutation($input: CreateBacklogItemInput!) { createBacklogItem(input: $input) { __typename } }"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mutations", type=int, default=200, help="of each kind")
    args = parser.parse_args()
    os.environ["OKRANK_RATE_LIMIT"] = "0"  # this measures the key alone
    db = Database()
    server = None
    try:
        server = okrank_server(db)
        latencies: dict[str, list[float]] = {"plain": [], "keyed": []}
        headers = {"Authorization": f"Bearer {admin_token()}"}
        with httpx.Client(base_url=server.url, timeout=30, headers=headers) as http:
            for n in range(args.mutations * 2 + 20):
                kind = "keyed" if n % 2 else "plain"
                extra = {"Idempotency-Key": uuid.uuid4().hex} if kind == "keyed" else {}
                body = {"query": CREATE, "variables": {"input": {"title": f"item {n}"}}}
                started = time.perf_counter()
                answer = http.post("/graphql", json=body, headers=extra)
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
                if n >= 20:  # warm-up
                    latencies[kind].append(elapsed)
        result = {
            kind: {"p50_ms": statistics.median(v), "p90_ms": pct(v, 0.9), "n": len(v)}
            for kind, v in latencies.items()
        }
        result["keyed_minus_plain_p50_ms"] = (
            result["keyed"]["p50_ms"] - result["plain"]["p50_ms"]  # type: ignore[index]
        )
        print(json.dumps(result, indent=1))
    finally:
        if server is not None:
            server.close()
        db.close()


if __name__ == "__main__":
    main()
