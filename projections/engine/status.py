"""Which views are stopped on a poison event, recorded in PostgreSQL for every process to see.

The worker leading a view writes its row when the view stops and deletes it once the view has
applied the event; API processes (which may not run projections: `okrank project`) read the
table for readiness and LISTEN on STATUS_CHANNEL to learn of changes at once.
"""

from __future__ import annotations

from typing import Any

import psycopg

from okrank.projections.engine.poison import PoisonEvent

TABLE = "projection_status"
STATUS_CHANNEL = "okrank_projection_status"
CREATE = """
    CREATE TABLE IF NOT EXISTS projection_status (
        view_name text PRIMARY KEY, position bigint NOT NULL, topic text NOT NULL,
        originator_id text NOT NULL, reason text NOT NULL,
        stopped_at timestamptz NOT NULL DEFAULT now(),
        checks int NOT NULL DEFAULT 1, checked_at timestamptz NOT NULL DEFAULT now())"""
SELECT = "SELECT view_name, position, topic, originator_id, reason FROM projection_status"


def create_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(CREATE)


def stopped(conn: psycopg.Connection[Any], view_name: str) -> PoisonEvent | None:
    row = conn.execute(SELECT + " WHERE view_name = %s", (view_name,)).fetchone()
    return None if row is None else PoisonEvent(*row)


def record(conn: psycopg.Connection[Any], poison: PoisonEvent) -> bool:
    """Record that the view stopped on `poison`; False if exactly that was already recorded
    (a re-check that failed again: counted in `checks`)."""
    if stopped(conn, poison.view_name) == poison:
        conn.execute(
            "UPDATE projection_status SET checks = checks + 1, checked_at = now()"
            " WHERE view_name = %s",
            (poison.view_name,),
        )
        return False
    with conn.transaction():
        conn.execute(
            "INSERT INTO projection_status (view_name, position, topic, originator_id, reason)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (view_name) DO UPDATE SET"
            " position = excluded.position, topic = excluded.topic,"
            " originator_id = excluded.originator_id, reason = excluded.reason,"
            " stopped_at = now(), checks = 1, checked_at = now()",
            (poison.view_name, poison.position, poison.topic, poison.originator_id, poison.reason),
        )
        conn.execute("SELECT pg_notify(%s, %s)", (STATUS_CHANNEL, poison.view_name))
    return True


def clear(conn: psycopg.Connection[Any], view_names: list[str]) -> None:
    """The views are running again (they applied their poison event, or were rebuilt)."""
    with conn.transaction():
        gone = conn.execute(
            "DELETE FROM projection_status WHERE view_name = ANY(%b::text[]) RETURNING view_name",
            (view_names,),
        ).fetchall()
        for (view_name,) in gone:
            conn.execute("SELECT pg_notify(%s, %s)", (STATUS_CHANNEL, view_name))
