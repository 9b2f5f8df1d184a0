"""The one mutation path: every mutation, from its input to its answer, goes through `run` (a
domain command, executed in a worker thread) or `run_in_loop` (a change the API makes in its own
tables: webhooks, service tokens). In order:

1. the caller's roles, from the role table (api.auth.permissions) by the mutation's name;
2. every string of the input must be storable (api.commands.mutation_input);
3. while the database is down, refuse before anything is attempted (503, nothing recorded);
4. charge the caller's mutation rate (api.commands.rate_limit);
5. build the command at the edge, in the event loop: global IDs are parsed here, and a bad one
   answers a ValidationError before any command starts;
6. run it once per idempotency key (a retry whose earlier attempt committed answers from that
   commit) and, for a domain command, in a worker thread;
7. wait (bounded) for the read models to show it, then answer the new state; a DomainError at
   any step answers its typed error (api.graphql.errors.from_domain) and nothing changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from okrank.api.auth.permissions import permission
from okrank.api.commands import idempotency, rate_limit
from okrank.api.commands.committed import answer_committed
from okrank.api.commands.mutation_input import unstorable_argument
from okrank.api.database.health import WentDown, is_unavailable
from okrank.api.graphql.errors import PermissionDeniedError, from_domain
from okrank.api.http.unavailable import outcome_unknown, unavailable
from okrank.domain import errors
from okrank.domain.application import CommandResult
from okrank.domain.commands import Command

WAIT_SECONDS = 5.0  # for the read models to show a command's effect
Answer = Callable[[Any, Any], Awaitable[Any]]  # (context, result) -> the payload's success


async def run(
    info: Info,
    build: Callable[[], Command | Awaitable[Command]],
    success: Answer,
    wait_seconds: float = WAIT_SECONDS,
) -> Any:
    """A domain command: `build` makes it from the input (at the edge), the application executes
    it in a worker thread, `success` reads the new state once the read models show it."""
    ctx = info.context

    async def perform() -> Any:
        command = build()
        if inspect.isawaitable(command):  # built from a read: see `command_mutation`
            command = await command
        result = await _outcome(
            ctx, lambda: run_in_threadpool(ctx.services.app.execute, ctx.actor, command)
        )
        return await answer_committed(ctx, result, success, wait_seconds)

    return await _guarded(info, perform)


async def run_in_loop(
    info: Info,
    change: Callable[[], Awaitable[CommandResult]],
    success: Answer,
    replayable: bool = True,
) -> Any:
    """A change of the API's own tables, made in the event loop: `change` answers which row it
    changed (as a CommandResult with no log position) and `success` reads it. `replayable`:
    whether a retry may answer from the first attempt's commit by reading the row again (not
    so when the answer holds a secret that is stored only hashed)."""
    ctx = info.context

    async def perform() -> Any:
        result = await _outcome(ctx, change, replayable)
        return await success(ctx, result)

    return await _guarded(info, perform)


async def _guarded(info: Info, perform: Callable[[], Awaitable[Any]]) -> Any:
    """Steps 1-4 and the typed answer of a DomainError."""
    ctx = info.context
    needed = permission(info.field_name)
    if not ctx.principal.has_any(needed.roles):
        return PermissionDeniedError(message=needed.refusal, required_roles=sorted(needed.roles))
    if unstorable := unstorable_argument(info):
        return unstorable
    if ctx.services.health.down:
        raise unavailable()  # refused before anything is attempted: nothing was recorded
    rate_limit.charge_mutation(ctx.principal)
    try:
        return await perform()
    except errors.DomainError as exc:
        return from_domain(exc)


async def _outcome(
    ctx: Any, change: Callable[[], Awaitable[Any]], once_per_key: bool = True
) -> Any:
    """Run the change (once per idempotency key); the database going away meanwhile leaves its
    outcome unknown (503)."""
    health = ctx.services.health

    def guarded() -> Awaitable[Any]:
        return health.unless_down(change())

    try:
        return await (idempotency.run_command(guarded) if once_per_key else guarded())
    except errors.DomainError:
        raise
    except Exception as exc:
        if not isinstance(exc, WentDown) and not is_unavailable(exc):
            raise
        health.suspect(exc)
        raise outcome_unknown() from None


def command_mutation(
    input_type: type,
    payload: Any,
    success: Answer,
    description: str,
    wait_seconds: float = WAIT_SECONDS,
) -> Any:
    """A mutation field taking `input: <input_type>!` (whose `command()` builds the domain
    command) and answering `payload`: the resolver every domain command shares."""

    async def resolve(info: Info, input: Any) -> Any:
        return await run(info, _builder(input, info.context), success, wait_seconds)

    # Real types, not strings: strawberry reads them to build the field's arguments and type.
    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload}
    return strawberry.mutation(resolver=resolve, description=description)


def _builder(input: Any, ctx: Any) -> Callable[[], Command | Awaitable[Command]]:
    """`input.command`; an input whose command names an entity it must first find in the read
    models (a key result's objective) has `async command_from(ctx)` instead."""
    if hasattr(input, "command_from"):
        return lambda: input.command_from(ctx)
    return input.command
