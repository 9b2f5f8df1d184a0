"""Audit chain speed: events per second the live chain view hashes (catching up on a seeded
log, alone), and events per second `verify` recomputes and compares from the event store.

Run: .venv/bin/python -m bench.audit_chain [--items 10000] [--quick]
"""

from __future__ import annotations

import json
import resource
import time

import psycopg

from bench.arguments import arguments
from bench.common import WORKSPACE, Database, seed
from okrank.projections.audit.chain_view import AuditChainProjection, AuditChainView
from okrank.projections.audit.verify import verify_workspace
from okrank.projections.engine.runner import ProjectionWorker


def chained(url: str) -> int:
    with psycopg.connect(url) as conn:
        try:
            return conn.execute("SELECT count(*) FROM audit_chain").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def main() -> None:
    args = arguments(
        __doc__,
        {"items": 1000},
        items=10_000,
    )
    db = Database()
    try:
        seeded = seed(db, args.items)
        worker = ProjectionWorker(db.url, AuditChainProjection, AuditChainView)
        began = time.perf_counter()
        worker.start()
        try:
            deadline = time.monotonic() + 1800
            while chained(db.url) < seeded.events and time.monotonic() < deadline:
                time.sleep(0.05)
            chain_seconds = time.perf_counter() - began
        finally:
            worker.stop()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with psycopg.connect(db.url) as conn:
            began = time.perf_counter()
            result = verify_workspace(conn, WORKSPACE)
            verify_seconds = time.perf_counter() - began
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        db.close()
    assert result.verified and result.events == seeded.events, result
    figures = {
        "items": args.items,
        "events": seeded.events,
        "chain_events_per_s": seeded.events / chain_seconds,
        "verify_events_per_s": result.events / verify_seconds,
        "verify_seconds": verify_seconds,
        "verify_peak_rss_growth_mib": (rss_after - rss_before) / 1024,
    }
    print(f"event log: {seeded.events} events ({args.items} items), one workspace")
    print(f"live chain view, catching up alone: {figures['chain_events_per_s']:,.0f} events/s")
    print(
        f"verify: {figures['verify_events_per_s']:,.0f} events/s ({verify_seconds:.1f} s),"
        f" peak RSS growth {figures['verify_peak_rss_growth_mib']:.1f} MiB"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
