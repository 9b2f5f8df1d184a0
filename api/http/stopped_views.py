"""Read models stopped on a poison event, as API processes see them (projections.status).

Waiting for a stopped view is waiting for nothing: a mutation answers at once that its change was
recorded but is not readable, and /readyz reports the service not ready. The reason stays in the
server log and the projection_status table: clients learn which view and where, not why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from graphql import GraphQLError

from okrank.api.database.read_pool import ReadPool
from okrank.projections.engine.status import SELECT

NOT_READY_REASON = "a read model stopped on an event it cannot apply; see the server log"


@dataclass(frozen=True)
class StoppedView:
    view_name: str
    position: int  # the event it cannot apply


class ReadModelStoppedError(Exception):
    def __init__(self, stopped: StoppedView) -> None:
        super().__init__(f"read model {stopped.view_name} stopped at event {stopped.position}")
        self.stopped = stopped

    def graphql_error(self, position: int | None) -> GraphQLError:
        """What a mutation whose change (at `position`) cannot become readable answers."""
        return GraphQLError(
            f"the change was recorded (log position {position}) but the read model "
            f"{self.stopped.view_name} is stopped at log position {self.stopped.position}, "
            "on an event it cannot apply; it will not show the change until that is repaired",
            extensions={
                "code": "READ_MODEL_STOPPED",
                "position": position,
                "view": self.stopped.view_name,
                "stoppedAt": self.stopped.position,
            },
        )


async def load(conn: asyncpg.Connection | ReadPool) -> dict[str, StoppedView]:
    """The stopped views by name (none before any projection has created the table)."""
    try:
        rows = await conn.fetch(SELECT)
    except asyncpg.UndefinedTableError:
        return {}
    return {r["view_name"]: StoppedView(r["view_name"], r["position"]) for r in rows}


def not_ready(stopped: dict[str, StoppedView]) -> dict[str, Any] | None:
    """/readyz's body while a view is stopped: the earliest stop."""
    if not stopped:
        return None
    first = min(stopped.values(), key=lambda s: s.position)
    return {
        "ready": False,
        "reason": NOT_READY_REASON,
        "view": first.view_name,
        "position": first.position,
    }
