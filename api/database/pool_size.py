"""How many PostgreSQL connections each API process's read pool may open
(OKRANK_DATABASE_POOL_SIZE).

A request holds a pooled connection only for its statements (api/database/read_pool.py), and
while all of them are out a request waits its turn. With the former 10 connections, requests
waited at 32 concurrent HTTP connections (and asyncpg's pool, used then, let newcomers overtake
waiters: p99 505 ms; 80-122 ms with 40). So the default lets one process serve 32 concurrent
requests without any of them waiting, and two processes (64) stay inside PostgreSQL's default
max_connections (100) beside the projections' and LISTEN connections.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ENV = "OKRANK_DATABASE_POOL_SIZE"
POOL_SIZE = 32  # connections per API process
MAX_POOL_SIZE = 1000  # beyond any PostgreSQL's sensible max_connections: surely a typo
MIN_IDLE = 2  # connections opened at start (fewer if the pool is smaller)


def pool_size(env: Mapping[str, str] = os.environ) -> int:
    """The most connections the read pool opens; a malformed value stops start-up by name."""
    raw = (env.get(ENV) or str(POOL_SIZE)).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_POOL_SIZE:
        raise ValueError(
            f"{ENV} must be a whole number of connections from 1 to {MAX_POOL_SIZE}, not {raw!r}"
        )
    return int(raw)
