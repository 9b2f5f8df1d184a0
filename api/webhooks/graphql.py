"""GraphQL for webhooks: register, pause, resume, delete; list endpoints and their attempts."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.auth.permissions import LIST_WEBHOOKS, allows
from okrank.api.commands.inputs import need_id
from okrank.api.commands.path import run_in_loop
from okrank.api.commands.payloads import payload
from okrank.api.graphql.errors import (
    NotFoundError,
)
from okrank.api.graphql.ids import encode_cursor, to_global_id, uuid_of
from okrank.api.graphql.pagination import after_key
from okrank.api.graphql.rows import from_row, node_id, workspace_nodes
from okrank.api.webhooks.settings import SETTINGS
from okrank.api.webhooks.streams import DELIVERIES, WebhookStream
from okrank.api.webhooks.transport import shown_error
from okrank.api.webhooks.url import secret_problem, url_problem
from okrank.domain import errors
from okrank.domain.application import CommandResult


@strawberry.enum(description="Whether an endpoint receives deliveries.")
class WebhookStatus(Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"


@strawberry.type(description="One POST to an endpoint: a batch of consecutive changes.")
class WebhookAttempt:
    at: datetime = strawberry.field(description="When it was sent.")
    first_cursor: str = strawberry.field(description="Cursor of the batch's first change.")
    last_cursor: str = strawberry.field(description="Cursor of the batch's last change.")
    changes: int = strawberry.field(description="Number of changes in the batch.")
    status_code: int | None = strawberry.field(description="HTTP status, if one came back.")
    error: str | None = strawberry.field(description="Why it failed, if it did.")
    succeeded: bool = strawberry.field(description="2xx received: the cursor moved on.")
    duration_ms: float = strawberry.field(description="Time to the answer, milliseconds.")


@strawberry.type(description="An edge of the attempt list.")
class WebhookAttemptEdge:
    cursor: str = strawberry.field(description="Pass as `after` for older attempts.")
    node: WebhookAttempt = strawberry.field(description="The attempt.")


@strawberry.type(description="Delivery attempts, newest first.")
class WebhookAttemptConnection:
    edges: list[WebhookAttemptEdge] = strawberry.field(description="Attempts of this page.")
    has_next_page: bool = strawberry.field(description="Older attempts follow.")


@strawberry.type(description="An endpoint that receives the changes of one stream by HTTP POST.")
class Webhook:
    id: strawberry.ID = strawberry.field(description="Global ID.")
    url: str = strawberry.field(description="Where changes are POSTed.")
    stream: WebhookStream = strawberry.field(description="Which changes it receives.")
    objective_id: strawberry.ID | None = strawberry.field(
        description="Only this objective's changes; null: every change in the workspace."
    )
    status: WebhookStatus = strawberry.field(description="ACTIVE or PAUSED.")
    consecutive_failures: int = strawberry.field(description="Failed POSTs since the last success.")
    last_error: str | None = strawberry.field(
        description="The last failure's reason: `HTTP <status>`, or `delivery failed: timeout`, "
        "`… connection error`, `… protocol error`, `… address not allowed`."
    )
    next_attempt_at: datetime = strawberry.field(description="When the next POST is due.")
    delivered_up_to: str = strawberry.field(
        description="Cursor of the last change delivered (everything up to it was accepted)."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")
    created_by: str = strawberry.field(description="Who registered it.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Webhook:
        return from_row(
            cls,
            r,
            id=node_id(cls, r["id"]),
            stream=WebhookStream(r["stream"]),
            objective_id=to_global_id("Objective", r["scope"]) if r["scope"] else None,
            status=WebhookStatus(r["status"]),
            consecutive_failures=r["failures"],
            last_error=shown_error(r["last_error"]),
            delivered_up_to=encode_cursor([r["cursor_position"], r["cursor_ordinal"]]),
        )

    @strawberry.field(description="Delivery attempts, newest first.")
    async def attempts(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> WebhookAttemptConnection:
        first = max(1, min(first, 100))
        before = after_key(after)
        rows = await info.context.pool.fetch(
            "SELECT * FROM webhook_attempts WHERE endpoint_id = $1"
            " AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
            self.row["id"],
            before,
            first + 1,
        )
        edges = [
            WebhookAttemptEdge(
                cursor=encode_cursor([r["id"]]),
                node=from_row(WebhookAttempt, r, error=shown_error(r["error"])),
            )
            for r in rows[:first]
        ]
        return WebhookAttemptConnection(edges=edges, has_next_page=len(rows) > first)


@strawberry.type(description="The endpoint after the change.")
class WebhookSuccess:
    webhook: Webhook = strawberry.field(description="Its state now.")
    secret: str | None = strawberry.field(
        description="The signing secret: returned once, at registration only."
    )


WebhookPayload = payload("WebhookPayload", "The endpoint, or why nothing changed.", WebhookSuccess)


@strawberry.input(description="A new endpoint for the changes of one stream.")
class RegisterWebhookInput:
    url: str = strawberry.field(
        description="http(s) URL that accepts POSTed JSON (at most 2,000 characters, no "
        "credentials); its host must be public: loopback, private, link-local and reserved "
        "addresses and local names are refused, here and at every delivery."
    )
    stream: WebhookStream = strawberry.field(
        default=WebhookStream.RANKINGS,
        description="Which changes it receives: RANKINGS (the default) or OKRS.",
    )
    objective_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this objective's changes."
    )
    secret: str | None = strawberry.field(
        default=None, description="Signing secret (16–256 characters); generated if omitted."
    )


@strawberry.input(description="Names an endpoint.")
class WebhookRefInput:
    webhook_id: strawberry.ID = strawberry.field(description="The endpoint.")


@strawberry.input(description="Names the endpoint to pause.")
class PauseWebhookInput(WebhookRefInput):
    pass


@strawberry.input(description="Names the endpoint to resume.")
class ResumeWebhookInput(WebhookRefInput):
    pass


@strawberry.input(description="Names the endpoint to delete.")
class DeleteWebhookInput(WebhookRefInput):
    pass


def _changed(row: Any) -> CommandResult:
    """The endpoint a change left (its row is the API's own: no log position to wait for)."""
    return CommandResult(aggregate_id=row["id"], version=0, position=None, topics=frozenset())


async def _update(info: Info, input: WebhookRefInput, sql: str) -> Any:
    """Pause, resume or delete: each runs again on a retry and answers the same (a deleted
    endpoint, not found), so none needs its first commit replayed."""
    rows: list[Any] = []

    async def change() -> CommandResult:
        ident = need_id(input.webhook_id, "Webhook", "webhookId")
        rows.append(await info.context.pool.fetchrow(sql, ident, info.context.workspace))
        if rows[0] is None:
            raise errors.NotFoundError("Webhook", str(ident))
        return _changed(rows[0])

    async def success(ctx: Any, result: CommandResult) -> WebhookSuccess:
        return WebhookSuccess(webhook=Webhook.from_row(rows[0]), secret=None)

    return await run_in_loop(info, change, success, replayable=False)


async def _register(info: Info, input: RegisterWebhookInput) -> CommandResult:
    if problem := url_problem(input.url, SETTINGS.policy):
        raise errors.ValidationError("url", problem)
    if problem := secret_problem(input.secret):
        raise errors.ValidationError("secret", problem)
    secret = input.secret if input.secret is not None else secrets.token_urlsafe(32)
    ctx = info.context
    scope = None
    if input.objective_id is not None:
        scope = uuid_of(input.objective_id, "Objective")
        if scope is None:
            raise errors.ValidationError("objectiveId", "objectiveId is not an Objective ID")
        if await ctx.loaders.objective.load(scope) is None:
            raise errors.NotFoundError("Objective", str(scope))
    position, ordinal = await DELIVERIES[input.stream].outbox.start_cursor(ctx.pool)
    row = await ctx.pool.fetchrow(
        "INSERT INTO webhook_endpoints (id, workspace, url, secret, scope, status,"
        " created_at, created_by, cursor_position, cursor_ordinal, next_attempt_at, stream)"
        " VALUES ($1, $2, $3, $4, $5, 'ACTIVE', now(), $6, $7, $8, now(), $9) RETURNING *",
        uuid.uuid4(),
        ctx.workspace,
        input.url,
        secret,
        scope,
        ctx.principal.subject,
        position,
        ordinal,
        input.stream.value,
    )
    return _changed(row)


async def _registered(ctx: Any, result: CommandResult) -> WebhookSuccess | NotFoundError:
    """The new endpoint with its secret, read back (also when a retry answers from the first
    attempt's commit: the endpoint is not registered twice)."""
    row = await ctx.pool.fetchrow(
        "SELECT * FROM webhook_endpoints WHERE id = $1 AND workspace = $2",
        result.aggregate_id,
        ctx.workspace,
    )
    if row is None:  # deleted since
        gid = to_global_id("Webhook", result.aggregate_id)
        return NotFoundError(message=f"Webhook {gid} not found", id=gid)
    return WebhookSuccess(webhook=Webhook.from_row(row), secret=row["secret"])


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="The workspace's webhook endpoints (ADMIN and AUDITOR; never the secret)."
    )
    async def webhooks(self, info: Info) -> list[Webhook]:
        if not allows(info.context.principal, LIST_WEBHOOKS):
            return []
        sql = "SELECT * FROM webhook_endpoints WHERE workspace = $1 ORDER BY created_at"
        return await workspace_nodes(info, sql, Webhook.from_row)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register an endpoint; it receives its stream's changes from now on."
    )
    async def register_webhook(self, info: Info, input: RegisterWebhookInput) -> WebhookPayload:
        return await run_in_loop(info, lambda: _register(info, input), _registered)

    @strawberry.mutation(description="Stop deliveries to an endpoint until it is resumed.")
    async def pause_webhook(self, info: Info, input: PauseWebhookInput) -> WebhookPayload:
        return await _update(
            info,
            input,
            "UPDATE webhook_endpoints SET status = 'PAUSED'"
            " WHERE id = $1 AND workspace = $2 RETURNING *",
        )

    @strawberry.mutation(
        description="Resume a paused endpoint now, from where its deliveries stopped."
    )
    async def resume_webhook(self, info: Info, input: ResumeWebhookInput) -> WebhookPayload:
        return await _update(
            info,
            input,
            "UPDATE webhook_endpoints SET status = 'ACTIVE',"
            " failures = 0, next_attempt_at = now()"
            " WHERE id = $1 AND workspace = $2 RETURNING *",
        )

    @strawberry.mutation(description="Delete an endpoint and its attempts.")
    async def delete_webhook(self, info: Info, input: DeleteWebhookInput) -> WebhookPayload:
        return await _update(
            info,
            input,
            "DELETE FROM webhook_endpoints WHERE id = $1 AND workspace = $2 RETURNING *",
        )
