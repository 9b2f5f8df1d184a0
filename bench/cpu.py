"""CPU seconds the benchmarks' processes use (Linux /proc): a server with its descendants (uvicorn
workers), this bench's own PostgreSQL (its postmaster and backends, the ended ones included), and
the load generator. On a shared machine the other PostgreSQL servers are not counted."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
_own_pgdata: list[Path] = []  # the data directories of the PostgreSQL servers this bench started


def own_postgres(pgdata: Path) -> None:
    """Count the PostgreSQL server of `pgdata` (started by this bench) as "postgres"."""
    _own_pgdata.append(pgdata)


def forget_postgres(pgdata: Path) -> None:
    if pgdata in _own_pgdata:
        _own_pgdata.remove(pgdata)


def postmaster_pid(pgdata: Path) -> int | None:
    """The postmaster's PID now (a restart changes it), or None when it is not running."""
    try:
        with open(pgdata / "postmaster.pid") as f:
            return int(f.readline())
    except (OSError, ValueError):
        return None


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()
    except OSError:
        return None


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of one process; 0 once it is gone."""
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / TICK


def reaped_cpu(pid: int | None) -> float:
    """CPU seconds of the children a process has reaped: PostgreSQL's backends that ended
    (a pool closing a connection) keep counting, in their postmaster."""
    fields = None if pid is None else _stat(pid)
    return 0.0 if fields is None else (int(fields[13]) + int(fields[14])) / TICK


def _children() -> dict[int, list[int]]:
    """parent pid -> its children's pids, of every process."""
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            found.setdefault(int(fields[1]), []).append(int(entry))
    return found


def _tree_cpu(root: int | None, children: dict[int, list[int]]) -> float:
    total, todo = 0.0, [root] if root else []
    while todo:
        pid = todo.pop()
        total += _proc_cpu(pid)
        todo.extend(children.get(pid, []))
    return total


def cpu_seconds(
    roots: dict[str, int | None], postmasters: list[int] | None = None
) -> dict[str, float]:
    """CPU seconds used so far by each named process with its descendants, by the PostgreSQL
    `postmasters` (default: those this bench started; NaN when it started none, as with
    DATABASE_URL) with their live and ended backends, and by this process (the client)."""
    children = _children()
    out = {label: _tree_cpu(root, children) for label, root in roots.items()}
    if postmasters is None:
        postmasters = [p for d in _own_pgdata if (p := postmaster_pid(d)) is not None]
    out["postgres"] = (
        sum(_tree_cpu(p, children) + reaped_cpu(p) for p in postmasters)
        if postmasters
        else float("nan")
    )
    out["client"] = time.process_time()
    return out


def server_cpu(servers: list[int], postmaster: int | None) -> dict[str, float]:
    """CPU seconds so far of the servers' processes (each with its descendants) and of this
    bench's PostgreSQL (its postmaster's live and ended backends; not the other PostgreSQL
    servers of the machine)."""
    used = cpu_seconds({str(pid): pid for pid in servers}, [postmaster] if postmaster else [])
    return {"server": sum(used[str(pid)] for pid in servers), "postgres": used["postgres"]}
