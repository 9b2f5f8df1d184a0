"""How long okrank waits on PostgreSQL before calling it unavailable (OKRANK_DATABASE_* settings).

Read here once, for both sides: the API's read pool and LISTEN connections, and the
eventsourcing library's psycopg pool (commands and projections).
"""

from __future__ import annotations

import os

# Opening a connection, or (psycopg pool) waiting for one: beyond this the database is deemed
# unreachable. The library's own default is 30 s per attempt, and it retries ten times.
CONNECT_TIMEOUT_SECONDS = float(os.environ.get("OKRANK_DATABASE_CONNECT_TIMEOUT", "2"))
# One statement on the API's read pool: a server that stops answering (a network partition)
# must not hold a request forever. API reads are bounded pages that take milliseconds.
COMMAND_TIMEOUT_SECONDS = float(os.environ.get("OKRANK_DATABASE_COMMAND_TIMEOUT", "10"))
# While the database is down: the Retry-After a client is told, and the longest pause between
# two reconnection attempts (the probe starts at 0.1 s and doubles).
RETRY_AFTER_SECONDS = max(1, int(os.environ.get("OKRANK_DATABASE_RETRY_AFTER", "2")))
