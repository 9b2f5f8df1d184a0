"""The rows one SQL statement selects from a test's database, read in a connection of their own."""

from __future__ import annotations

from typing import Any

import psycopg


def stored_rows(url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()
