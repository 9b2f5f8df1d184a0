"""Reading and tampering with the stored event log as someone with database access would, and
running `okrank audit …` against it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tests.support.paths import ROOT


def positions(url: str, workspace: str) -> list[int]:
    """The workspace's events in the log, found independently of the chain: each aggregate's
    Created event names its workspace."""
    with psycopg.connect(url) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT e.notification_id FROM okrank_events e WHERE e.originator_id IN ("
                " SELECT originator_id FROM okrank_events c WHERE c.originator_version = 1"
                " AND (convert_from(c.state, 'UTF8')::jsonb ->> 'workspace' = %s"
                " OR convert_from(c.state, 'UTF8')::jsonb ->> 'name' = %s))"
                " ORDER BY e.notification_id",
                (workspace, workspace),
            )
        ]


def edit(old: str, new: str) -> str:
    """An UPDATE of one stored event's JSON text (for `WHERE notification_id = %s`)."""
    return (
        "UPDATE okrank_events SET state = convert_to(replace(convert_from(state, 'UTF8'),"
        f" '{old}', '{new}'), 'UTF8')"
    )


def okrank_audit(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OKRANK_SECRET"}
    return subprocess.run(
        [sys.executable, "-m", "okrank.api.cli", "audit", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": database_url},
        timeout=120,
    )


@contextmanager
def edited(database_url: str, position: int) -> Iterator[None]:
    """One stored event's bytes changed in PostgreSQL, as someone with database access would;
    put back afterwards (the shared test database serves other tests too)."""
    with psycopg.connect(database_url) as conn:
        (state,) = conn.execute(
            "SELECT state FROM okrank_events WHERE notification_id = %s", (position,)
        ).fetchone()
        conn.execute(edit("{", "{ ") + " WHERE notification_id = %s", (position,))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(
                "UPDATE okrank_events SET state = %s WHERE notification_id = %s", (state, position)
            )
            conn.commit()
