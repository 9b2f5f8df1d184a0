"""A connection of its own to the event store's database, beside the store's pool: for what
holds a session for long (a session lock, a LISTEN), which must not take one of the pool's
connections (the pool may have a single one)."""

from __future__ import annotations

from typing import Any

import psycopg
from eventsourcing.persistence import OperationalError
from eventsourcing.postgres import PostgresDatastore


def own_connection(
    datastore: PostgresDatastore, application_name: str | None = None
) -> psycopg.Connection[Any]:
    """An autocommit connection with the pool's parameters (and its timeout to connect);
    failing to connect raises the library's OperationalError, as the store's own do."""
    params = {k: v for k, v in (datastore.pool.kwargs or {}).items() if k != "row_factory"}
    if application_name is not None:
        params["application_name"] = application_name
    try:
        return psycopg.connect(
            **params, autocommit=True, connect_timeout=max(1, round(datastore.pool.timeout))
        )
    except psycopg.OperationalError as exc:
        raise OperationalError(str(exc)) from exc
