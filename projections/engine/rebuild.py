"""Rebuild every read model from the event log into fresh tables; swap them in on success.

The replay writes into the schema REBUILD_SCHEMA (the views' DDL names tables without a schema,
so a search_path is enough). Only when every event has been applied are the live tables dropped
and the new ones moved into their place, in one transaction: a rebuild that fails (a poison
event, a lost connection) leaves the read models and their tracking positions as they were.
Logs of what was published (`kept_on_rebuild`, the ranking-changes outbox) are not replayed and
stay as they are, so subscription cursors remain valid. `replay_views` alone (into another
schema, up to a position, no swap) is the investigation replay (projections.audit.replay).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import conninfo_to_dict
from psycopg.sql import SQL, Identifier

from okrank.domain.application import OkrankApplication
from okrank.projections.engine import status
from okrank.projections.engine.poison import PoisonEventError
from okrank.projections.engine.runner import REBUILD_SECTION, VIEWS, event_store_env, lock_key
from okrank.projections.engine.view import PROGRESS_CHANNEL, ReadModelView, decode

REBUILD_SCHEMA = "okrank_rebuild"
REBUILT_VIEWS = [(p, v) for p, v in VIEWS if v.rebuilt]  # not the audit chain: a record
# The library's datastore names tracking tables with its schema (POSTGRES_SCHEMA, unset here);
# the views' own tables live in the connection's current schema.
TRACKING_SCHEMA = "public"


class RebuildFailedError(RuntimeError):
    """The replay stopped; nothing live was changed."""


class RebuildDatastore(PostgresDatastore):
    """Connections that see only the rebuild schema: every table a view names is its new one."""

    def after_connect_func(self) -> Callable[[psycopg.Connection[Any]], None]:
        configure = super().after_connect_func()
        set_path = SQL("SET search_path = {}").format(Identifier(self.schema))

        def after_connect(conn: psycopg.Connection[Any]) -> None:
            configure(conn)
            conn.execute(set_path)

        return after_connect


def rebuild(database_url: str, progress: Callable[[int, int], Any] | None = None) -> int:
    """Replay the whole event log into new tables and swap them in. Returns events replayed.

    Refuses to run while a projection worker holds a view's lock (a running `okrank serve`).
    Raises RebuildFailedError naming the poison event if one cannot be applied.
    """
    app = OkrankApplication(env=event_store_env(database_url))
    try:
        with psycopg.connect(database_url, autocommit=True) as lock_conn:
            for _, view_cls in REBUILT_VIEWS:
                got = lock_conn.execute(
                    "SELECT pg_try_advisory_lock(%s)", (lock_key(view_cls.view_name),)
                ).fetchone()
                if not got or not got[0]:
                    raise RuntimeError(
                        f"projection {view_cls.view_name} is running in another process; "
                        "stop it (okrank serve / okrank project) before rebuilding"
                    )
            _fresh_schema(lock_conn)
            try:
                done, positions = replay_views(app, database_url, progress)
                _swap(database_url, positions)
            finally:
                lock_conn.execute(
                    SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(REBUILD_SCHEMA))
                )
            return done
    finally:
        app.close()


def _fresh_schema(conn: psycopg.Connection[Any]) -> None:
    schema = Identifier(REBUILD_SCHEMA)
    conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))  # an interrupted one
    conn.execute(SQL("CREATE SCHEMA {}").format(schema))


def replay_views(
    app: OkrankApplication,
    database_url: str,
    progress: Callable[[int, int], Any] | None,
    schema: str = REBUILD_SCHEMA,
    until: int | None = None,
) -> tuple[int, dict[str, int]]:
    """Apply every event (up to position `until`) to new views in `schema`; the views' last
    positions."""
    params = conninfo_to_dict(database_url)
    datastore = RebuildDatastore(
        dbname=str(params.get("dbname", "postgres")),
        host=str(params.get("host", "localhost")),
        port=str(params.get("port", "5432")),
        user=str(params.get("user", "postgres")),
        password=str(params.get("password", "")),
        schema=schema,
    )
    try:
        views: list[ReadModelView] = []
        handled: dict[str, str] = {}  # topic → the first view that handles it
        for _, view_cls in REBUILT_VIEWS:
            view = view_cls(datastore)
            view.create_table()
            views.append(view)
            for topic in view_cls.topics():
                handled.setdefault(topic, view_cls.view_name)
        last = app.recorder.max_notification_id() or 0
        if until is not None:
            last = min(last, until)
        done = start = 0
        positions: dict[str, int] = {}
        while start < last:
            notifications = app.recorder.select_notifications(
                start=start, limit=REBUILD_SECTION, inclusive_of_start=False, stop=last
            )
            if not notifications:
                break
            batch = [decode(app, n, handled[n.topic]) for n in notifications if n.topic in handled]
            for view in views:
                mine = [item for item in batch if type(item[0]) in view.handlers]
                view.apply_isolating_poison(mine, rebuilding=True)
                if mine:
                    positions[view.view_name] = mine[-1][1].notification_id
            start = notifications[-1].id
            done += len(batch)
            if progress:
                progress(done, last)
        for view in views:
            view.finish_replay()
        return done, positions
    except PoisonEventError as exc:
        raise RebuildFailedError(
            f"rebuild stopped: {exc}; the read models were left as they were"
        ) from exc
    finally:
        datastore.close()


def _swap(database_url: str, positions: dict[str, int]) -> None:
    """Replace the live tables by the rebuilt ones, in one transaction."""
    with psycopg.connect(database_url) as conn:  # one transaction, committed on exit
        live = conn.execute("SELECT current_schema()").fetchone()[0]
        status.create_table(conn)
        for _, view_cls in REBUILT_VIEWS:
            tables = [(t, live) for t in view_cls.tables if t not in view_cls.kept_on_rebuild]
            for table, schema in [*tables, (f"{view_cls.view_name}_tracking", TRACKING_SCHEMA)]:
                name, target = Identifier(table), Identifier(schema)
                conn.execute(SQL("DROP TABLE IF EXISTS {}.{} CASCADE").format(target, name))
                conn.execute(
                    SQL("ALTER TABLE {}.{} SET SCHEMA {}").format(
                        Identifier(REBUILD_SCHEMA), name, target
                    )
                )
        status.clear(conn, [v.view_name for _, v in REBUILT_VIEWS])
        for view_name, position in positions.items():
            conn.execute("SELECT pg_notify(%s, %s)", (PROGRESS_CHANNEL, f"{view_name}:{position}"))
