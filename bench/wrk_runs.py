"""Runs of `wrk` (one thread, a Lua script POSTing the target's bodies in turn) against a
server under load, with the CPU they cost per request: what bench.ranking_wrk and
bench.write_wrk measure, and their command line's shared part."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.cpu import postgres_used, server_cpu

WARM_UP_SECONDS = 2  # per server, before the rounds: Node's JIT, plans, caches, pool
WRK_SCRIPT = """
local bodies = {%(bodies)s}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%(headers)s
request = function()
  n = n + 1
  return wrk.format(nil, "%(path)s", nil, bodies[n %% #bodies + 1])
end
done = function(summary, latency, requests)
  io.stderr:write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout))
end
"""


@dataclass
class Target:
    """A server under load: where it listens, what it is asked, and how to check the answer."""

    name: str
    url: str
    path: str
    bodies: list[dict[str, Any]]
    rows: Any  # response JSON -> the list of 50 rows
    pids: list[int]
    headers: dict[str, str] = field(default_factory=dict)
    rounds: dict[int, list[dict[str, float]]] = field(default_factory=dict)

    def check(self) -> None:
        response = httpx.post(
            self.url + self.path, json=self.bodies[0], headers=self.headers, timeout=30
        )
        assert response.status_code == 200, response.text[:300]
        assert len(self.rows(response.json())) == 50, response.text[:300]


def wrk(target: Target, connections: int, seconds: float, tmp: str) -> dict[str, float]:
    """One wrk run (one thread) against the target: requests, p50/p99 and errors."""
    script = Path(tmp) / f"{target.name.replace(' ', '_')}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "bodies": ", ".join(json.dumps(json.dumps(b)) for b in target.bodies),
            "headers": "\n".join(
                f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in target.headers.items()
            ),
            "path": target.path,
        }
    )
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    done = subprocess.run(
        [*command, "-s", str(script), target.url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip()[-500:]}")
    run = json.loads(done.stderr.strip().splitlines()[-1])
    if run["errors"]:  # a refused or failed request is no figure
        raise RuntimeError(f"{target.name}: {run['errors']} requests failed: {done.stdout}")
    return run


def checked_and_warm(targets: list[Target], connections: int, tmp: str) -> None:
    """Every target's answer checked, then each warmed up by a wrk run of WARM_UP_SECONDS."""
    for t in targets:
        t.check()
    for t in targets:
        wrk(t, connections, WARM_UP_SECONDS, tmp)


def cpu_measured(
    target: Target,
    pids: list[int],
    connections: int,
    seconds: float,
    tmp: str,
    pg: int | None,
) -> dict[str, float]:
    """One wrk run, kept in `target.rounds`, with its requests per second and the CPU per
    request of the processes `pids` (`server_cpu_ms`) and of PostgreSQL (`postgres_cpu_ms`)."""
    before = server_cpu(pids, pg)
    run = wrk(target, connections, seconds, tmp)
    after = server_cpu(pids, pg)
    run["rps"] = run["requests"] / run["seconds"]
    requests = max(1, run["requests"])
    run["server_cpu_ms"] = (after.server - before.server) * 1000 / requests
    run["postgres_cpu_ms"] = postgres_used(before, after) * 1000 / requests
    target.rounds.setdefault(connections, []).append(run)
    return run


def wrk_arguments(parser: argparse.ArgumentParser, quick_items: int) -> argparse.Namespace:
    """The arguments of a wrk bench (its --items, --seconds and --rounds among them), and
    --quick: `quick_items` items, 2 s runs, 1 round."""
    help_ = f"{quick_items:,} items, 2 s runs, 1 round"
    parser.add_argument("--quick", action="store_true", help=help_)
    args = parser.parse_args()
    if args.quick:
        args.items, args.seconds, args.rounds = quick_items, 2.0, 1
    return args


def wrk_installed() -> bool:
    """Whether wrk is on PATH; if not, the bench says so and measures nothing."""
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package: wrk); nothing measured.")
        return False
    return True
