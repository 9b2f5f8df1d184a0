"""GraphQL reads timed one after another by one keep-alive client, each checked, and their
latencies printed: the reads of a seeded workspace that the benches measure side by side."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

from bench.arguments import arguments
from bench.common import Database, admin_token, load, okrank_server, wait_projected

Read = tuple[dict[str, Any], Callable[[httpx.Response], None] | None]  # (body, check)


def one_client_arguments(doc: str | None, quick: dict[str, Any], **defaults: Any) -> Any:
    """--items (10,000), --seconds (5, per figure) and the bench's own `defaults`; --quick:
    1,000 items, 2 s per figure and the bench's own `quick` values."""
    return arguments(
        doc,
        {"items": 1000, "seconds": 2.0, **quick},
        {"seconds": "per figure"},
        items=10_000,
        seconds=5.0,
        **defaults,
    )


def one_after_another(
    url: str, reads: dict[str, Read], seconds: float, headers: dict[str, str]
) -> dict[str, dict[str, float]]:
    """Each read POSTed to `/graphql` for `seconds` by one client: name → its summary."""
    return {
        name: asyncio.run(
            load(url, lambda n, body=body: ("/graphql", body), 1, seconds, headers, check)
        )
        for name, (body, check) in reads.items()
    }


def read_served(
    db: Database, reads: dict[str, Read], seconds: float
) -> dict[str, dict[str, float]]:
    """An okrank server on `db`, once the catalog has caught up: `one_after_another` of the
    reads, as the admin."""
    server = okrank_server(db)
    try:
        wait_projected(db)
        headers = {"Authorization": f"Bearer {admin_token()}"}
        return one_after_another(server.url, reads, seconds, headers)
    finally:
        server.close()


def timed_reads(
    args: Any, recorded: tuple[str, ...], prepared: Callable[[Database], dict[str, Read]]
) -> None:
    """A fresh database that `prepared` fills, giving the reads to time; each read served and
    timed by one client (`read_served`), printed with the `recorded` arguments."""
    db = Database()
    figures: dict[str, Any] = {k: getattr(args, k) for k in recorded}
    try:
        reads = prepared(db)
        figures.update(read_served(db, reads, args.seconds))
    finally:
        db.close()
    print_latencies(figures, list(reads))


def print_latencies(figures: dict[str, Any], names: tuple[str, ...] | list[str]) -> None:
    """A line per read (p50, p99, requests), then every figure as JSON."""
    for name in names:
        f = figures[name]
        print(f"{name}: p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms ({f['requests']} req)")
    print(json.dumps(figures))
