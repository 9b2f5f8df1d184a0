"""Write path under a C load generator: `scoreBacklogItem` over HTTP (API and projections in one
process, as `okrank serve` runs) beside the append floor (bench/append_floor_app.py: Starlette +
asyncpg doing the event store's LOCK TABLE … EXCLUSIVE, INSERT, NOTIFY, COMMIT and answering
JSON), both measured with `wrk` (one thread) at the same connection counts, rounds alternating.

Each round prints mutations/s, p50/p99 and CPU per mutation of the server's process (API and
projector together) and of this bench's PostgreSQL; then the medians, okrank's ratio to the
floor (median of the per-round ratios) and the load average. Every mutation is checked: the
events okrank stored during a run must equal the requests wrk counted (a refused or failed
mutation stores none). `--ungrouped` adds okrank with every save in its own transaction (as
before group commit) to the same rounds; the two okrank processes share the projections (one
leader per view), so okrank's CPU is both processes'. `--apart` then measures the deployment
at scale the same way: the API without projections (`--api-processes N` uvicorn workers)
beside an `okrank project` process (CPU of all), the floor in the same rounds. `--statements N`
then logs N single-client mutations in PostgreSQL (log_statement = all) and prints statements
and commits per mutation.

Run: .venv/bin/python -m bench.write_wrk [--items 2000] [--seconds 5] [--rounds 3]
     [--connections 1 8] [--statements 50] [--ungrouped] [--apart [--api-processes 2]] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from typing import Any

import httpx
import psycopg

from bench.common import (
    SECRET,
    UNTHROTTLED,
    Database,
    Projector,
    Server,
    admin_token,
    okrank_server,
    postgres_root,
    seed,
    wait_projected,
)
from bench.ranking_wrk import allow_connections
from bench.wrk_runs import (
    Target,
    checked_and_warm,
    cpu_measured,
    wrk_arguments,
    wrk_installed,
)
from okrank.api.graphql.ids import to_global_id
from okrank.projections.engine.runner import rebuild

SCORE = (
    "mutation($i: ID!, $r: Float!) { scoreBacklogItem(input: {backlogItemId: $i,"
    " rice: {reach: $r, impact: 1, confidence: 0.8, effort: 2}})"
    " { __typename ... on BacklogItemSuccess { backlogItem { id version riceScore } } } }"
)
SETTLE_SECONDS = 0.3  # no commit for this long: nothing is in flight
BODIES = 1000  # distinct mutations wrk cycles through (items × reach values)


def events(db: Database, table: str = "okrank_events") -> int:
    with psycopg.connect(db.url, autocommit=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def settled_events(db: Database, table: str) -> int:
    """The table's count once requests still in flight have committed: wrk exits with up to
    one request per connection sent but not answered, which the server still completes (they
    belong to the run before, not to the next one's count)."""
    count = events(db, table)
    while True:
        time.sleep(SETTLE_SECONDS)
        now = events(db, table)
        if now == count:
            return count
        count = now


def okrank_target(server: Server, items: list[str], name: str = "okrank") -> Target:
    bodies = [
        {"query": SCORE, "variables": {"i": items[n % len(items)], "r": 1 + n}}
        for n in range(BODIES)
    ]
    return Target(
        name,
        server.url,
        "/graphql",
        bodies,
        lambda body: [body["data"]["scoreBacklogItem"]["backlogItem"]] * 50,  # Target checks 50
        [server.proc.pid],
        {"Authorization": f"Bearer {admin_token()}"},
    )


def floor_target(server: Server) -> Target:
    bodies = [{"query": SCORE, "variables": {"i": str(n), "r": 1 + n}} for n in range(BODIES)]
    return Target(
        "append floor",
        server.url,
        "/append",
        bodies,
        lambda body: [body["data"]["append"]] * 50,
        [server.proc.pid],
    )


def checked_measure(
    t: Target, c: int, seconds: float, tmp: str, pg: int | None, db: Database
) -> None:
    """One wrk run with CPU per request (every process of `t.pids`), then: every request wrk
    counted stored one event (wrk stops with up to one request per connection answered but not
    counted)."""
    table = "okrank_events" if t.path == "/graphql" else "floor_events"
    before = settled_events(db, table)
    run = cpu_measured(t, t.pids, c, seconds, tmp, pg)
    stored = settled_events(db, table) - before
    print(
        f"  c{c} {t.name:<26} {run['rps']:6,.0f}/s  p50 {run['p50_ms']:6.1f} ms"
        f"  p99 {run['p99_ms']:6.1f} ms  CPU per mutation: server {run['server_cpu_ms']:.2f} ms"
        f" + PostgreSQL {run['postgres_cpu_ms']:.2f} ms",
        flush=True,
    )
    if not run["requests"] <= stored <= run["requests"] + c:
        raise RuntimeError(f"{t.name}: {run['requests']} requests stored {stored} events")


def statements_per_mutation(db: Database, items: list[str], mutations: int) -> dict[str, float]:
    """Single-client mutations with every statement logged: statements and commits each."""
    if db.pg is None:
        return {}
    log = db.pg.log
    with psycopg.connect(db.base, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{db.name}\" SET log_statement = 'all'")
        conn.execute("SELECT pg_reload_conf()")
    # Pools keep their connections: settings apply to new sessions only, so a new server.
    server = okrank_server(db)
    target = okrank_target(server, items)
    try:
        wait_projected(db)
        start = log.stat().st_size
        with httpx.Client(base_url=server.url, headers=target.headers, timeout=30) as http:
            for n in range(mutations):
                body = target.bodies[n % len(target.bodies)]
                answer = http.post("/graphql", json=body).json()
                assert answer["data"]["scoreBacklogItem"]["__typename"] == "BacklogItemSuccess"
        wait_projected(db)
    finally:
        server.close()
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        lines = [line for line in f if "LOG:  statement:" in line or "LOG:  execute" in line]
    commits = sum(1 for line in lines if line.rstrip().upper().endswith(("COMMIT", "COMMIT;")))
    return {"statements": len(lines) / mutations, "commits": commits / mutations}


def report(targets: list[Target], connections: list[int], prefix: str = "") -> dict[str, Any]:
    floor = targets[-1]
    figures: dict[str, Any] = {}
    for c in connections:
        print(f"{c} connection(s), median of {len(floor.rounds[c])} rounds:")
        for t in targets:
            rps, p50, p99, cpu, pg_cpu = (
                statistics.median(r[k] for r in t.rounds[c])
                for k in ("rps", "p50_ms", "p99_ms", "server_cpu_ms", "postgres_cpu_ms")
            )
            print(
                f"  {t.name:<24} {rps:7,.0f} /s  p50 {p50:.1f} ms  p99 {p99:.1f} ms"
                f"  CPU per mutation: server {cpu:.2f} ms + PostgreSQL {pg_cpu:.2f} ms"
            )
            figures[f"{prefix}c{c}_{t.name}"] = t.rounds[c]
        for t in targets[:-1]:
            pairs = zip(t.rounds[c], floor.rounds[c], strict=True)
            ratio = statistics.median(o["rps"] / f["rps"] for o, f in pairs)
            print(f"  {t.name} / floor: ×{ratio:.2f} (median of per-round ratios)")
            figures[f"{prefix}c{c}_ratio_{t.name}"] = ratio
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--statements", type=int, default=50, help="0: do not count them")
    parser.add_argument(
        "--ungrouped",
        action="store_true",
        help="also okrank with every save in its own transaction (bench/ungrouped_app.py)",
    )
    parser.add_argument(
        "--apart",
        action="store_true",
        help="then the API without projections beside an `okrank project` process",
    )
    parser.add_argument(
        "--api-processes",
        type=int,
        default=1,
        help="API processes (uvicorn workers) of the --apart layout",
    )
    args = wrk_arguments(parser, quick_items=500)
    if not wrk_installed():
        return
    print(f"load average before: {os.getloadavg()}")
    db = Database()
    figures: dict[str, Any] = {"items": args.items}
    started: list[Server] = []
    try:
        allow_connections(db)
        seeded = seed(db, args.items, objectives=20)
        rebuild(db.url)
        items = [to_global_id("BacklogItem", i) for i in seeded.items]
        pg = postgres_root(db)
        floor = Server("bench.append_floor_app:create_app", app_env(db))
        started.append(floor)
        layouts = ["one process", *(["apart"] if args.apart else [])]
        for layout in layouts:
            print(f"okrank: {LAYOUTS[layout]}", flush=True)
            servers, targets = okrank_layout(layout, db, items, args.ungrouped, args.api_processes)
            try:
                targets.append(floor_target(floor))
                wait_projected(db, every_view=True)
                with tempfile.TemporaryDirectory() as tmp:
                    checked_and_warm(targets, max(args.connections), tmp)
                    for n in range(args.rounds):
                        print(f"round {n + 1}, load {os.getloadavg()[0]:.2f}", flush=True)
                        for c in args.connections:
                            for t in targets[n % len(targets) :] + targets[: n % len(targets)]:
                                checked_measure(t, c, args.seconds, tmp, pg, db)
                prefix = "" if layout == "one process" else f"{layout}_"
                figures.update(report(targets, args.connections, prefix))
            finally:
                for s in reversed(servers):
                    s.close()
        if args.statements:
            counted = statements_per_mutation(db, items, args.statements)
            if counted:
                print(
                    f"per scoreBacklogItem (1 client, {args.statements} mutations, API and "
                    f"projections): {counted['statements']:.1f} statements, "
                    f"{counted['commits']:.1f} commits"
                )
                figures["per_mutation"] = counted
    finally:
        for s in reversed(started):
            s.close()
        db.close()
    print(f"load average after: {os.getloadavg()}")
    print(json.dumps(figures))


def app_env(db: Database) -> dict[str, str]:
    """What an app the bench starts by its factory (the floor, okrank ungrouped) is given."""
    return {"OKRANK_DATABASE_URL": db.url, "OKRANK_SECRET": SECRET}


LAYOUTS = {
    "one process": "API and projections in one process (as `okrank serve` runs)",
    "apart": "the API without projections (`okrank serve --no-projections [--workers N]`)"
    " beside one `okrank project` process (the deployment at scale); CPU of all",
}


def okrank_layout(
    layout: str, db: Database, items: list[str], ungrouped: bool, api_processes: int = 1
) -> tuple[list[Any], list[Target]]:
    """okrank's processes of a layout (started) and the targets that measure them."""
    if layout == "apart":
        projector = Projector(db)
        api = okrank_server(db, projections=False, workers=api_processes)
        name = "okrank, projections apart"
        target = okrank_target(
            api, items, f"{name}, API ×{api_processes}" if api_processes > 1 else name
        )
        target.pids = [api.proc.pid, projector.proc.pid]
        return [projector, api], [target]
    server = okrank_server(db)
    targets = [okrank_target(server, items)]
    servers: list[Any] = [server]
    if ungrouped:
        ungrouped_env = {**app_env(db), "OKRANK_PROJECTIONS": "1", **UNTHROTTLED}
        servers.append(alone := Server("bench.ungrouped_app:create_app", ungrouped_env))
        targets.append(okrank_target(alone, items, "okrank, no group commit"))
        both = [server.proc.pid, alone.proc.pid]  # the projections run in either
        targets[0].pids = targets[1].pids = both
    return servers, targets


if __name__ == "__main__":
    main()
