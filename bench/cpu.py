"""CPU seconds the benchmarks' processes use (Linux /proc): a server with its descendants (uvicorn
workers), this bench's own PostgreSQL (its postmaster and backends: `cpu_seconds` counts the
ended ones too, for a phase of one server; `server_cpu` each live one, for runs of servers side
by side), and the load generator. On a shared machine the other PostgreSQL servers are not
counted."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CpuReading:
    """CPU seconds so far: the servers' processes with their descendants, and each live process
    of this bench's PostgreSQL by PID (None without one, as with DATABASE_URL)."""

    server: float
    postgres: dict[int, float] | None


def server_cpu(servers: list[int], postmaster: int | None) -> CpuReading:
    """The servers' CPU and that of this bench's PostgreSQL (its postmaster, backends and
    helpers; not the other PostgreSQL servers of the machine) now."""
    children = _children()
    postgres: dict[int, float] = {}
    todo = [postmaster] if postmaster else []
    while todo:
        pid = todo.pop()
        postgres[pid] = _proc_cpu(pid)
        todo.extend(children.get(pid, []))
    return CpuReading(
        sum(_tree_cpu(pid, children) for pid in servers), postgres if postmaster else None
    )


def postgres_used(before: CpuReading, after: CpuReading) -> float:
    """PostgreSQL CPU seconds between two readings: the growth of each process alive at the
    second (a new one from 0). A backend that ended meanwhile adds nothing: its postmaster
    counts an ended backend's whole life when it reaps it, so another server's pool closing
    idle connections (PostGraphile's after 10 s) landed in whichever run was going on,
    doubling some runs' PostgreSQL CPU per request."""
    if before.postgres is None or after.postgres is None:
        return float("nan")
    return sum(cpu - before.postgres.get(pid, 0.0) for pid, cpu in after.postgres.items())
