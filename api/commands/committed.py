"""After a command has committed: answer with the new state, or say that it was recorded.

Once the events are stored the command has happened. Whatever fails after that (the read models
lag behind, the read of the new state fails) must never answer as if the command had failed: a
client that retries an ambiguous "Internal error." creates a duplicate. Every such path answers
READ_MODEL_LAGGING with `committed: true` and the log position to wait for, or, when the
database itself went away, SERVICE_UNAVAILABLE with `outcome: "RECORDED"` and the position.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError

from okrank.api.database.health import is_unavailable
from okrank.api.graphql.node import ReadById
from okrank.api.http.stopped_views import ReadModelStoppedError
from okrank.api.http.unavailable import recorded_unconfirmed
from okrank.domain.application import CommandResult

log = logging.getLogger("okrank.api")

LAGGING = "READ_MODEL_LAGGING"

T = TypeVar("T")
Answer = Callable[[Any, CommandResult], Awaitable[Any]]


def recorded_but_lagging(result: CommandResult) -> GraphQLError:
    return GraphQLError(
        f"the change was recorded (log position {result.position}) but the read model has "
        "not caught up yet; query again shortly",
        extensions={"code": LAGGING, "committed": True, "position": result.position},
    )


def state_row(rows: list[Any], result: CommandResult) -> Any:
    """The changed entity's row as the read model has it; READ_MODEL_LAGGING if it has none."""
    if not rows:
        raise recorded_but_lagging(result)
    return rows[0]


async def read_state(
    ctx: Any, result: CommandResult, read: ReadById, make: Callable[[Any], T]
) -> T:
    """The changed entity as queries now see it: `make` of its row, which `read` (a read
    model's `<things>_by_id(pool, workspace, ids)`) finds by the command's aggregate ID."""
    rows = await read(ctx.pool, ctx.workspace, [result.aggregate_id])
    return make(state_row(rows, result))


def state_success(node: type, field: str, read: ReadById, about: str) -> tuple[Any, Answer]:
    """`<Node>Success` (described `about`), whose one field `field` is the changed `node`'s
    state as queries now see it, and the answer that builds it (`read_state`, `from_row`)."""
    name = node.__strawberry_definition__.name  # type: ignore[attr-defined]
    fields = {
        "__annotations__": {field: node},
        "__module__": node.__module__,
        field: strawberry.field(description="Its state, as queries now see it."),
    }
    success = strawberry.type(type(f"{name}Success", (), fields), description=about)

    async def answer(ctx: Any, result: CommandResult) -> Any:
        return success(**{field: await read_state(ctx, result, read, node.from_row)})  # type: ignore[attr-defined]

    return success, answer


async def answer_committed(
    ctx: Any,
    result: CommandResult,
    success: Callable[[Any, CommandResult], Awaitable[Any]],
    wait_seconds: float,
) -> Any:
    """Wait (bounded) for the read models to reach the command's position, then read its state."""
    try:
        caught_up = await ctx.services.progress.wait(
            result.position, result.topics, timeout=wait_seconds
        )
        if caught_up:
            return await success(ctx, result)
    except ReadModelStoppedError as stopped:  # a view stopped on a poison event: say so at once
        raise stopped.graphql_error(result.position) from None
    except GraphQLError as exc:
        if (exc.extensions or {}).get("code") == LAGGING:
            raise
        log.exception("reading the state after a committed command failed")
    except Exception as exc:
        if is_unavailable(exc):  # the database went away: 503, the change stays recorded
            ctx.services.health.suspect(exc)
            raise recorded_unconfirmed(result.position) from None
        log.exception("reading the state after a committed command failed")
    raise recorded_but_lagging(result)
