"""Investigation replay: the read models as they were at a moment, in a schema of their own.

`okrank audit replay --until T --schema NAME` replays the event log up to T into new tables
in the schema NAME (the rebuild's replay, projections.engine.rebuild, without its swap), so
an auditor can query in SQL what the backlog, the rankings and the exercises looked like then.
The live read models are never touched: no lock is needed, and a server may keep running.

T cuts the log where the rest of okrank cuts it (as the export's `until` does): after the last
event before the first one recorded after T. The schema must not exist yet; it is dropped
again if the replay fails. Logs of what was published (`kept_on_rebuild`: the ranking-changes
outbox) are not read models and are not left in it: the live table, up to the replay's
position, is their record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.sql import SQL, Identifier

from okrank.domain.application import OkrankApplication
from okrank.projections.engine.rebuild import REBUILD_SCHEMA, REBUILT_VIEWS, replay_views
from okrank.projections.engine.runner import REBUILD_SECTION, event_store_env

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RESERVED = frozenset({"public", "information_schema", REBUILD_SCHEMA})


class ReplayRefused(ValueError):
    """Nothing was replayed: the reason, in words."""


@dataclass(frozen=True)
class Replayed:
    schema: str
    position: int  # the last event replayed
    events: int  # events the views handled


def check_schema(name: str) -> None:
    if not SCHEMA_NAME.match(name) or name.startswith("pg_") or name in RESERVED:
        raise ReplayRefused(
            f"--schema {name!r}: use a new schema name of lowercase letters, digits and _"
            " (not public, not pg_…)"
        )


def position_as_of(app: OkrankApplication, until: datetime) -> int:
    """The last position before the first event recorded after `until` (0: none before)."""
    start = found = 0
    while True:
        notifications = app.recorder.select_notifications(
            start=start, limit=REBUILD_SECTION, inclusive_of_start=False
        )
        if not notifications:
            return found
        for n in notifications:
            if app.mapper.to_domain_event(n).timestamp > until:
                return found
            found = n.id
        start = notifications[-1].id


def replay(
    database_url: str,
    until: datetime,
    schema: str,
    progress: Callable[[int, int], Any] | None = None,
    now: datetime | None = None,
) -> Replayed:
    """Replay the log up to `until` into the new schema `schema` (ReplayRefused if it cannot)."""
    check_schema(schema)
    if until > (now or datetime.now(until.tzinfo)):
        raise ReplayRefused(f"--until {until.isoformat()} is in the future")
    app = OkrankApplication(env=event_store_env(database_url))
    try:
        position = position_as_of(app, until)
        if position == 0:
            raise ReplayRefused(f"no event was recorded by {until.isoformat()}")
        with psycopg.connect(database_url, autocommit=True) as conn:
            try:
                conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
            except psycopg.errors.DuplicateSchema:
                raise ReplayRefused(
                    f"schema {schema!r} exists: choose another name, or drop it first"
                ) from None
            try:
                events, _ = replay_views(app, database_url, progress, schema, position)
                for _, view_cls in REBUILT_VIEWS:
                    for table in view_cls.kept_on_rebuild:
                        conn.execute(
                            SQL("DROP TABLE {}.{}").format(Identifier(schema), Identifier(table))
                        )
            except BaseException:
                conn.execute(SQL("DROP SCHEMA {} CASCADE").format(Identifier(schema)))
                raise
        return Replayed(schema, position, events)
    finally:
        app.close()
