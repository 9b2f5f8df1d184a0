"""Audit export: events per second `GET /audit/export` streams, and the server's peak memory
for a short and a long export (it must not grow with the export's length), then the offline
check of the long file.

The log is seeded straight through the application (about 4.3 events per item) and chained by
the audit chain view alone; each export runs against a fresh server process (no projections)
whose peak RSS (VmHWM in /proc/<pid>/status) is read before and after.

Run: .venv/bin/python -m bench.audit_export [--events 100000] [--short 10000] [--quick]
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

from bench.arguments import arguments
from bench.common import WORKSPACE, Database, admin_token, okrank_server, seed
from okrank.domain.application import OkrankApplication
from okrank.domain.audit.export_format import parsed, record_again
from okrank.domain.audit.export_verification import verify_export
from okrank.projections.audit.chain_view import AuditChainProjection, AuditChainView
from okrank.projections.audit.export import chained_events, export_records
from okrank.projections.engine.runner import ProjectionWorker

EVENTS_PER_ITEM = 4.34  # measured: an item is created, scored, and tagged once or twice


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def chain(db: Database, events: int) -> None:
    worker = ProjectionWorker(db.url, AuditChainProjection, AuditChainView)
    worker.start()
    try:
        deadline = time.monotonic() + 1800
        with psycopg.connect(db.url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                try:
                    if chained_events(conn, WORKSPACE) >= events:
                        return
                except psycopg.errors.UndefinedTable:
                    pass
                time.sleep(0.1)
        raise RuntimeError("the audit chain did not catch up")
    finally:
        worker.stop()


def time_of(db: Database, seq: int) -> str:
    """The recorded time of the workspace's seq-th event: `until` it, an export holds seq."""
    mapper = OkrankApplication().mapper
    with psycopg.connect(db.url) as conn:
        for rec in export_records(conn, mapper, WORKSPACE):
            if rec["seq"] == seq:
                return rec["time"]
    raise RuntimeError(f"no event #{seq}")


def export(db: Database, until: str | None, out: Path) -> dict[str, float]:
    server = okrank_server(db, projections=False)
    try:
        before = peak_rss_mib(server.proc.pid)
        params = {"format": "jsonl", **({"until": until} if until else {})}
        headers = {"Authorization": f"Bearer {admin_token()}"}
        records, size = 0, 0
        began = time.perf_counter()
        with (
            httpx.stream(
                "GET", f"{server.url}/audit/export", params=params, headers=headers, timeout=600
            ) as response,
            out.open("wb") as file,
        ):
            response.raise_for_status()
            for chunk in response.iter_bytes():
                file.write(chunk)
                records += chunk.count(b"\n")
                size += len(chunk)
        seconds = time.perf_counter() - began
        after = peak_rss_mib(server.proc.pid)
    finally:
        server.close()
    return {
        "records": records,
        "seconds": seconds,
        "events_per_s": records / seconds,
        "mib": size / 2**20,
        "server_peak_rss_before_mib": before,
        "server_peak_rss_after_mib": after,
        "server_peak_rss_growth_mib": after - before,
    }


def main() -> None:
    args = arguments(
        __doc__,
        {"events": 10_000, "short": 1_000},
        events=100_000,
        short=10_000,
    )
    db = Database()
    try:
        seeded = seed(db, round(args.events / EVENTS_PER_ITEM))
        chain(db, seeded.events)
        with tempfile.TemporaryDirectory(prefix="okrank-export-") as tmp:
            short = export(db, time_of(db, args.short), Path(tmp) / "short.jsonl")
            long_path = Path(tmp) / "long.jsonl"
            long = export(db, None, long_path)
            mapper = OkrankApplication().mapper
            began = time.perf_counter()
            with long_path.open(encoding="utf-8") as lines:
                result = verify_export(parsed(lines, "jsonl"), lambda r: record_again(mapper, r))
            verify_seconds = time.perf_counter() - began
    finally:
        db.close()
    assert result.verified and result.events == seeded.events, result
    assert long["records"] == seeded.events, long
    figures = {
        "events": seeded.events,
        "short": short,
        "long": long,
        "offline_verify_events_per_s": result.events / verify_seconds,
    }
    for name, f in (("short", short), ("long", long)):
        print(
            f"{name}: {f['records']:,.0f} events ({f['mib']:.1f} MiB) in {f['seconds']:.1f} s,"
            f" {f['events_per_s']:,.0f} events/s; server peak RSS"
            f" {f['server_peak_rss_before_mib']:.1f} → {f['server_peak_rss_after_mib']:.1f} MiB"
            f" (+{f['server_peak_rss_growth_mib']:.1f})"
        )
    print(
        f"offline verify of the long file: {figures['offline_verify_events_per_s']:,.0f} events/s"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
