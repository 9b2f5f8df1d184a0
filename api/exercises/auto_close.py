"""The automatic close of exercises at their deadline, run by every serving process.

Why a background task rather than closing lazily on the first read or ballot after the
deadline: the close computes the results and moves the objective's EXERCISE ranking, and a
ranking must not wait for someone to happen to look; a read that writes would also surprise
(an AUDITOR reading would close an exercise). Every few seconds (OKRANK_AUTO_CLOSE_SECONDS,
default 2) the task lists OPEN exercises with `autoClose` whose deadline has passed, from the
read model, and closes each through the ordinary command path (`OkrankApplication.execute`)
as the system actor `okrank:auto-close`.

Several processes may race for one exercise: the command checks on the aggregate itself that
it is still OPEN, due and set to close (the read model may lag, or it may have been reopened),
and the event store accepts one `Closed` event at that version only; the loser reloads, finds
it CLOSED and gets a ConflictError, which is expected and ignored here. So an exercise closes
exactly once however many servers run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime

import asyncpg
from starlette.concurrency import run_in_threadpool

from okrank.api.database.read_pool import ReadPool
from okrank.domain.application import OkrankApplication
from okrank.domain.commands import Actor
from okrank.domain.errors import ConflictError
from okrank.domain.exercises.commands import AUTO_CLOSE_ACTOR, CloseDueExercise
from okrank.domain.exercises.exercise import deadline_passed

INTERVAL_ENV = "OKRANK_AUTO_CLOSE_SECONDS"
DEFAULT_INTERVAL_SECONDS = 2.0

log = logging.getLogger(__name__)


def interval_seconds(env: Mapping[str, str] = os.environ) -> float:
    raw = env.get(INTERVAL_ENV)
    value = float(raw) if raw else DEFAULT_INTERVAL_SECONDS
    if not 0 < value <= 3600:
        raise ValueError(f"{INTERVAL_ENV} must be in (0, 3600] seconds, got {raw!r}")
    return value


class AutoCloser:
    def __init__(self, app: OkrankApplication, pool: ReadPool, interval: float) -> None:
        self.app = app
        self.pool = pool
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self.close_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away for a moment: try again next round
                log.exception("automatic close of due exercises failed")
            await asyncio.sleep(self.interval)

    async def close_due(self) -> int:
        """Close every due exercise; returns how many this process closed."""
        try:
            rows = await self.pool.fetch(
                "SELECT id, workspace, deadline FROM exercises"
                " WHERE auto_close AND status = 'OPEN' AND deadline IS NOT NULL"
            )
        except asyncpg.UndefinedTableError:  # a fresh database: no view has run yet
            return 0
        now = datetime.now(UTC)
        closed = 0
        for r in rows:
            if not deadline_passed(r["deadline"], now):
                continue
            actor = Actor(r["workspace"], AUTO_CLOSE_ACTOR)
            try:
                await run_in_threadpool(
                    self.app.execute, actor, CloseDueExercise(exercise_id=r["id"])
                )
                closed += 1
            except ConflictError:
                pass  # closed by another process, reopened, or no longer set to close
        return closed
