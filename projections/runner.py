"""Runs the read-model projections: live (one leader per view) and as a full rebuild."""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.persistence import Tracking
from eventsourcing.projection import ProjectionRunner
from psycopg.conninfo import conninfo_to_dict

from domain.application import OkrankApplication
from projections.catalog import CatalogProjection, CatalogView
from projections.database_settings import CONNECT_TIMEOUT_SECONDS
from projections.tag_history import TagHistoryProjection, TagHistoryView
from projections.view import BatchingProjectionRunner, ReadModelView, ViewProjection

log = logging.getLogger("okrank.projections")

VIEWS: list[tuple[type[ViewProjection], type[ReadModelView]]] = [
    (CatalogProjection, CatalogView),
    (TagHistoryProjection, TagHistoryView),
]
REBUILD_SECTION = 1000  # notifications per read and per transaction when rebuilding
SCHEMA_LOCK = zlib.crc32(b"okrank:schema")  # serialises table creation across processes


def event_store_env(database_url: str) -> dict[str, str]:
    """The eventsourcing library's settings for the PostgreSQL at `database_url`."""
    params = conninfo_to_dict(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
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
        # Large saves outside psycopg's pipeline mode (see projections.event_store).
        "APPLICATION_RECORDER_TOPIC": "projections.event_store:OkrankApplicationRecorder",
    }


def lock_key(view_name: str) -> int:
    """A stable advisory-lock key per view: the one process that holds it runs the view."""
    return zlib.crc32(f"okrank:projection:{view_name}".encode())


class ProjectionWorker:
    """Runs one view's projection while holding its advisory lock; stands by otherwise.

    The lock lives on a dedicated connection: if this process dies, PostgreSQL releases it and a
    standby takes over from the view's tracking position.
    """

    def __init__(
        self,
        database_url: str,
        projection: type[ViewProjection],
        view: type[ReadModelView],
        retry_seconds: float = 1.0,
    ) -> None:
        self.database_url = database_url
        self.projection, self.view = projection, view
        self.retry_seconds = retry_seconds
        self.stopping = threading.Event()
        self.leading = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._run, name=f"projection-{view.view_name}", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        env = event_store_env(self.database_url)
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
                    log.info("leading projection %s", self.view.view_name)
                    # Table creation (CREATE … IF NOT EXISTS) races between processes and
                    # threads starting together: take turns.
                    lock_conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
                    try:
                        runner = BatchingProjectionRunner(
                            application_class=OkrankApplication,
                            projection_class=self.projection,
                            view_class=self.view,
                            env=env,
                        )
                    finally:
                        lock_conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))
                    with runner:
                        while not self.stopping.is_set():
                            runner.run_forever(timeout=0.5)
                            lock_conn.execute("SELECT 1")  # notice a lost lock connection
            except Exception as exc:  # keep the worker alive: restart from tracking
                self.error = exc
                self.leading.clear()
                log.exception("projection %s failed; restarting", self.view.view_name)
                self.stopping.wait(self.retry_seconds)
        self.leading.clear()


class Projections:
    """All views' workers in this process."""

    def __init__(self, database_url: str) -> None:
        self.workers = [ProjectionWorker(database_url, p, v) for p, v in VIEWS]

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stopping.set()
        for worker in self.workers:
            worker.stop()


def rebuild(
    database_url: str,
    progress: Callable[[int, int], Any] | None = None,
) -> int:
    """Drop every view and replay the whole event log into it. Returns events replayed.

    Refuses to run while a projection worker holds a view's lock (a running `okrank serve`).
    """
    env = event_store_env(database_url)
    app = OkrankApplication(env=env)
    try:
        with psycopg.connect(database_url, autocommit=True) as lock_conn:
            for _, view_cls in VIEWS:
                got = lock_conn.execute(
                    "SELECT pg_try_advisory_lock(%s)", (lock_key(view_cls.view_name),)
                ).fetchone()[0]
                if not got:
                    raise RuntimeError(
                        f"projection {view_cls.view_name} is running in another process; "
                        "stop it (okrank serve / okrank project) before rebuilding"
                    )
            from eventsourcing.persistence import InfrastructureFactory

            views = []
            for projection_cls, view_cls in VIEWS:
                factory = InfrastructureFactory.construct(
                    env=ProjectionRunner._construct_env(projection_cls.name, env)
                )
                view = factory.tracking_recorder(view_cls)
                view.drop()
                view.create_table()
                views.append(view)
            last = app.recorder.max_notification_id() or 0
            done = 0
            start = 0
            while start < last:
                notifications = app.recorder.select_notifications(
                    start=start, limit=REBUILD_SECTION, inclusive_of_start=False
                )
                if not notifications:
                    break
                batch = [
                    (app.mapper.to_domain_event(n), Tracking(app.name, n.id)) for n in notifications
                ]
                for view in views:
                    view.apply(batch, rebuilding=True)
                start = notifications[-1].id
                done += len(batch)
                if progress:
                    progress(done, last)
            for view in views:
                view.datastore.close()
            return done
    finally:
        app.close()
