"""Follow the versions the event log records, so that a process's aggregate cache knows what
other processes wrote.

Each API process starts its commands from its own cache (domain.repository). With several API
processes, about half of the commands on an aggregate land on a process whose cache another
process has moved past; each such command met a conflict at its save: its group commit failed
and was re-checked, the aggregate was read again and saved a second time. This follower LISTENs
on the event store's channel and reads, after each notification, the (position, aggregate,
version) of the rows after the last it read (no state, three columns of an index range), and
tells the repository (`mark_behind`); a command on such an aggregate fast-forwards the cached
copy first, which is one read of the newer events.

It is a hint: a write the follower has not read yet is still caught by the save's version
check, as before. It runs on a connection of its own (not one of the store's pool), and
reconnects after a lost connection, reading on from the last position it read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from okrank.projections.engine.own_connection import own_connection

log = logging.getLogger("okrank.version_follower")

APPLICATION_NAME = "okrank-version-follower"  # how its session shows in pg_stat_activity
PAGE = 1000  # rows read per query
LISTEN_SECONDS = 1.0  # how often a quiet wait checks whether to stop
RECONNECT_SECONDS = 1.0  # pause after a lost connection before connecting again

MarkBehind = Callable[[UUID, int], None]


class VersionFollower:
    def __init__(self, recorder: PostgresApplicationRecorder, mark_behind: MarkBehind) -> None:
        self._recorder = recorder
        self._mark_behind = mark_behind
        datastore = self._datastore = recorder.datastore
        self._listen = SQL("LISTEN {0}").format(Identifier(recorder.channel_name))
        self._select = SQL(
            "SELECT notification_id, originator_id, originator_version FROM {0}.{1}"
            " WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))
        self.position = 0  # the last notification read
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Follow from the log's head: what was written before is not in this new cache."""
        self.position = self._recorder.max_notification_id() or 0
        self._thread = threading.Thread(target=self._run, name="version-follower", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(LISTEN_SECONDS + self._datastore.pool.timeout + 1)

    def _run(self) -> None:
        lost = False  # said once per outage, not once per attempt
        while not self._stopping.is_set():
            try:
                with own_connection(self._datastore, APPLICATION_NAME) as conn:
                    conn.execute(self._listen)
                    if lost:
                        log.info("following the log's versions again from %s", self.position)
                        lost = False
                    self._follow(conn)
            except (psycopg.Error, OperationalError) as exc:
                if not self._stopping.is_set():
                    if not lost:
                        log.warning("following the log's versions: %s; reconnecting", exc)
                        lost = True
                    self._stopping.wait(RECONNECT_SECONDS)

    def _follow(self, conn: psycopg.Connection[Any]) -> None:
        self._read(conn)  # what was committed before the LISTEN (or while disconnected)
        while not self._stopping.is_set():
            if any(True for _ in conn.notifies(timeout=LISTEN_SECONDS, stop_after=1)):
                self._read(conn)

    def _read(self, conn: psycopg.Connection[Any]) -> None:
        while True:
            rows = conn.execute(self._select, (self.position, PAGE), prepare=True).fetchall()
            for _, originator_id, version in rows:
                self._mark_behind(originator_id, version)
            if rows:
                self.position = rows[-1][0]
            if len(rows) < PAGE:
                return
