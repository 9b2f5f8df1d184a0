"""Runs the read-model projections live: one leader per view (rebuilds: projections.rebuild)."""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.sql import SQL, Identifier

from okrank.domain.application import OkrankApplication
from okrank.projections.audit.chain_view import AuditChainProjection, AuditChainView
from okrank.projections.catalog.view import CatalogProjection, CatalogView
from okrank.projections.engine import status
from okrank.projections.engine.database_settings import CONNECT_TIMEOUT_SECONDS
from okrank.projections.engine.poison import PoisonEvent, PoisonEventError
from okrank.projections.engine.repeated_failure import RepeatedFailure
from okrank.projections.engine.schema_lock import schema_lock_on
from okrank.projections.engine.view import BatchingProjectionRunner, ReadModelView, ViewProjection
from okrank.projections.history.tag_history import TagHistoryProjection, TagHistoryView
from okrank.projections.strategy.view import StrategyProjection, StrategyView

log = logging.getLogger("okrank.projections")

VIEWS: list[tuple[type[ViewProjection], type[ReadModelView]]] = [
    (CatalogProjection, CatalogView),
    (TagHistoryProjection, TagHistoryView),
    (StrategyProjection, StrategyView),
    (AuditChainProjection, AuditChainView),
]
REBUILD_SECTION = 1000  # notifications per read and per transaction when rebuilding
DEFAULT_POISON_RECHECK_SECONDS = 15.0
# A view applies one batch at a time: its worker keeps one connection per pool open and opens
# more only when needed (up to the same 8 as the API's pools), so idle views do not hold 8 each.
WORKER_POOL = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "7"}


def poison_recheck_seconds() -> float:
    """OKRANK_POISON_RECHECK_SECONDS: how often a view stopped on a poison event tries it again;
    it resumes by itself once the event applies (a restart of the worker tries it at once)."""
    raw = os.environ.get("OKRANK_POISON_RECHECK_SECONDS", str(DEFAULT_POISON_RECHECK_SECONDS))
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 86_400:
        raise ValueError(f"OKRANK_POISON_RECHECK_SECONDS: seconds in (0, 86400], not {raw!r}")
    return seconds


def event_store_env(database_url: str) -> dict[str, str]:
    """The eventsourcing library's settings for the PostgreSQL at `database_url`."""
    params = conninfo_to_dict(database_url)
    return {
        # The library's PostgreSQL persistence with okrank's recorders (event_store.py: group
        # commit, large saves outside pipeline mode, tables created in turn).
        "PERSISTENCE_MODULE": "okrank.projections.engine.event_store:OkrankPersistence",
        "POSTGRES_DBNAME": str(params.get("dbname", "postgres")),
        "POSTGRES_HOST": str(params.get("host", "localhost")),
        "POSTGRES_PORT": str(params.get("port", "5432")),
        "POSTGRES_USER": str(params.get("user", "postgres")),
        "POSTGRES_PASSWORD": str(params.get("password", "")),
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "4",
        # Waiting for a pooled connection (whole seconds): the library retries a failed
        # statement ten times, so its 30 s default held a command for minutes in an outage.
        "POSTGRES_CONNECT_TIMEOUT": str(max(1, round(CONNECT_TIMEOUT_SECONDS))),
    }


def lock_key(view_name: str) -> int:
    """A stable advisory-lock key per view: the one process that holds it runs the view."""
    return zlib.crc32(f"okrank:projection:{view_name}".encode())


class ProjectionWorker:
    """Runs one view's projection while holding its advisory lock; stands by otherwise.

    The lock lives on a dedicated connection: if this process dies, PostgreSQL releases it and a
    standby takes over from the view's tracking position.

    A poison event (projections.poison) stops the view: it is recorded in projection_status and
    logged once, and the worker keeps the lock (a standby would only stop on it too), trying the
    event again every `recheck_seconds`; once it applies, the view runs on and the record goes.
    Other failures restart the view from its tracking position after `retry_seconds`.
    """

    def __init__(
        self,
        database_url: str,
        projection: type[ViewProjection],
        view: type[ReadModelView],
        retry_seconds: float = 1.0,
        recheck_seconds: float = DEFAULT_POISON_RECHECK_SECONDS,
    ) -> None:
        self.database_url = database_url
        self.projection, self.view = projection, view
        self.retry_seconds = retry_seconds
        self.recheck_seconds = recheck_seconds
        self.poison: PoisonEvent | None = None  # where the view is stopped, if it is
        self.logged: PoisonEvent | None = None  # the stop this process has logged
        self.stopping = threading.Event()
        self.leading = threading.Event()
        self.error: BaseException | None = None
        self.failures = RepeatedFailure(log, f"projection {view.view_name}")
        self.thread = threading.Thread(
            target=self._run, name=f"projection-{view.view_name}", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        env = {**event_store_env(self.database_url), **WORKER_POOL}
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.database_url, autocommit=True) as lock_conn:
                    while not self.stopping.is_set():
                        got = lock_conn.execute(
                            "SELECT pg_try_advisory_lock(%s)", (lock_key(self.view.view_name),)
                        ).fetchone()[0]
                        if got:
                            break
                        self.stopping.wait(self.retry_seconds)
                    else:
                        return
                    self.leading.set()
                    self.failures.succeeded()
                    log.info("leading projection %s", self.view.view_name)
                    self._lead(lock_conn, env)
            except Exception as exc:  # keep the worker alive: restart from tracking
                self.error = exc
                self.leading.clear()
                self.failures.failed(exc)  # once per streak: an outage is not a log flood
                self.stopping.wait(self.retry_seconds)
        self.leading.clear()

    def _lead(self, lock_conn: psycopg.Connection[Any], env: dict[str, str]) -> None:
        """Run the view while leading; on a poison event, stop and try it again now and then."""
        with schema_lock_on(lock_conn):
            status.create_table(lock_conn)
        self.poison = status.stopped(lock_conn, self.view.view_name)
        while not self.stopping.is_set():
            try:
                self._run_view(lock_conn, env)
            except PoisonEventError as exc:
                self._stopped_on(lock_conn, exc)
                self.stopping.wait(self.recheck_seconds)

    def _run_view(self, lock_conn: psycopg.Connection[Any], env: dict[str, str]) -> None:
        runner = BatchingProjectionRunner(  # its recorders create their tables one at a time
            application_class=OkrankApplication,
            projection_class=self.projection,
            view_class=self.view,
            env=env,
        )
        with runner:
            while not self.stopping.is_set():
                runner.run_forever(timeout=0.5)
                lock_conn.execute("SELECT 1")  # notice a lost lock connection
                if self.poison is not None:
                    self._resume_if_past(lock_conn)

    def _stopped_on(self, lock_conn: psycopg.Connection[Any], exc: PoisonEventError) -> None:
        """Record and log the stop once: a re-check that fails the same way says nothing."""
        poison = exc.poison
        self.poison = poison
        if status.record(lock_conn, poison):
            log.error(
                "projection %s stopped on a poison event: %s; the view resumes once the event "
                "applies (checked every %ss)",
                self.view.view_name,
                exc,
                self.recheck_seconds,
                exc_info=exc.error,
            )
        elif self.logged != poison:  # recorded by an earlier leader
            log.error("projection %s is still stopped: %s", self.view.view_name, exc)
        self.logged = poison

    def _resume_if_past(self, lock_conn: psycopg.Connection[Any]) -> None:
        assert self.poison is not None
        row = lock_conn.execute(
            SQL("SELECT notification_id FROM {} WHERE application_name = %s").format(
                Identifier(f"{self.view.view_name}_tracking")
            ),
            (OkrankApplication.name,),
        ).fetchone()
        if row is not None and row[0] >= self.poison.position:
            status.clear(lock_conn, [self.view.view_name])
            log.warning(
                "projection %s resumed past event %s", self.view.view_name, self.poison.position
            )
            self.poison = None


class Projections:
    """All views' workers in this process."""

    def __init__(self, database_url: str, recheck_seconds: float | None = None) -> None:
        recheck = poison_recheck_seconds() if recheck_seconds is None else recheck_seconds
        self.workers = [
            ProjectionWorker(database_url, p, v, recheck_seconds=recheck) for p, v in VIEWS
        ]

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stopping.set()
        for worker in self.workers:
            worker.stop()


def rebuild(database_url: str, progress: Callable[[int, int], Any] | None = None) -> int:
    """projections.rebuild.rebuild: replay every view into fresh tables, swapped in on success."""
    from okrank.projections.engine.rebuild import rebuild as rebuild_views  # it imports this module

    return rebuild_views(database_url, progress)
