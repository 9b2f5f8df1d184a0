"""GraphQL for service tokens: create (the token is shown once), revoke, list (ADMIN only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import strawberry
from strawberry.types import Info

from okrank.api.auth import Principal, Role
from okrank.api.auth.permissions import GRANT_ANY_ROLE, LIST_SERVICE_TOKENS, allows
from okrank.api.auth.service_tokens import REVOKED_CHANNEL, new_token, token_hash
from okrank.api.auth.viewer_graphql import RoleEnum
from okrank.api.commands import idempotency
from okrank.api.commands.inputs import need_id
from okrank.api.commands.path import run_in_loop
from okrank.api.commands.payloads import payload
from okrank.api.graphql.rows import from_row, node_id, workspace_nodes
from okrank.domain import errors
from okrank.domain.application import CommandResult

NAME_MAX = 100


@strawberry.type(description="A credential for a machine client, confined to the workspace.")
class ServiceToken:
    id: strawberry.ID = strawberry.field(description="Global ID.")
    name: str = strawberry.field(
        description="What it is for; its actions are recorded as `service:<name>`."
    )
    roles: list[RoleEnum] = strawberry.field(description="What its holder may do.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(description="Who created it.")
    last_used_at: datetime | None = strawberry.field(
        description="When it last authenticated a request (updated at most once a minute)."
    )
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")
    revoked_by: str | None = strawberry.field(description="Who revoked it.")

    @classmethod
    def from_row(cls, r: Any) -> ServiceToken:
        return from_row(cls, r, id=node_id(cls, r["id"]), roles=sorted(Role(x) for x in r["roles"]))


@strawberry.type(description="The service token after the change.")
class ServiceTokenSuccess:
    service_token: ServiceToken = strawberry.field(description="Its state now.")
    token: str | None = strawberry.field(
        description="The bearer token: returned once, at creation only (okrank keeps only a hash)."
    )


ServiceTokenPayload = payload(
    "ServiceTokenPayload", "The token, or why nothing changed.", ServiceTokenSuccess
)


@strawberry.input(description="A new service token.")
class CreateServiceTokenInput:
    name: str = strawberry.field(
        description=f"Unique among the workspace's live tokens, 1–{NAME_MAX} printable characters."
    )
    roles: list[RoleEnum] = strawberry.field(
        description="At least one; only roles the creator holds (an ADMIN holds them all)."
    )


@strawberry.input(description="Names the service token to revoke.")
class RevokeServiceTokenInput:
    service_token_id: strawberry.ID = strawberry.field(description="The token.")


def _through_service_token(principal: Principal) -> None:
    """Not through a service token (the role table has already required ADMIN): a leaked
    machine token must not be able to mint others that would outlive its revocation."""
    if principal.service_token_id is not None:
        raise errors.PermissionDeniedError(
            "a service token cannot manage service tokens", (Role.ADMIN.value,)
        )


def _holds(principal: Principal, role: Role) -> bool:
    """A creator may hand out the roles it holds; ADMIN (everything) holds them all, so an
    admin can make a least-privilege MEMBER token."""
    return role in principal.roles or allows(principal, GRANT_ANY_ROLE)


def _changed(row: Any) -> CommandResult:
    """The token a change left (its row is the API's own: no log position to wait for)."""
    return CommandResult(aggregate_id=row["id"], version=0, position=None, topics=frozenset())


@strawberry.type
class ServiceTokenQueries:
    @strawberry.field(
        description="The workspace's service tokens, revoked ones included (ADMIN and AUDITOR; "
        "never the secret)."
    )
    async def service_tokens(self, info: Info) -> list[ServiceToken]:
        principal = info.context.principal
        if not allows(principal, LIST_SERVICE_TOKENS) or principal.service_token_id is not None:
            return []
        sql = "SELECT * FROM service_tokens WHERE workspace = $1 ORDER BY created_at, id"
        return await workspace_nodes(info, sql, ServiceToken.from_row)


@strawberry.type
class ServiceTokenMutations:
    @strawberry.mutation(description="Create a service token; the answer carries it once.")
    async def create_service_token(
        self, info: Info, input: CreateServiceTokenInput
    ) -> ServiceTokenPayload:
        # Not replayed from a first attempt's commit: the token is shown once and stored only
        # hashed, so a retry runs again and meets the live-name rule instead.
        made: list[tuple[Any, str]] = []

        async def change() -> CommandResult:
            ctx = info.context
            _through_service_token(ctx.principal)
            name = input.name.strip()
            if not name or len(name) > NAME_MAX or not name.isprintable():
                raise errors.ValidationError(
                    "name", f"name must have 1–{NAME_MAX} printable characters"
                )
            roles = {Role(r) for r in input.roles}
            if not roles:
                raise errors.ValidationError("roles", "give at least one role")
            if missing := {r for r in roles if not _holds(ctx.principal, r)}:
                raise errors.PermissionDeniedError(
                    "a service token cannot get a role its creator lacks",
                    tuple(sorted(r.value for r in missing)),
                )
            token = new_token()
            try:
                row = await ctx.pool.fetchrow(
                    "INSERT INTO service_tokens (id, workspace, name, roles, token_hash,"
                    " created_at, created_by) VALUES ($1, $2, $3, $4, $5, now(), $6) RETURNING *",
                    uuid.uuid4(),
                    ctx.workspace,
                    name,
                    sorted(r.value for r in roles),
                    token_hash(token),
                    ctx.principal.subject,
                )
            except asyncpg.UniqueViolationError:
                raise errors.ConflictError(
                    f"a live service token is already named {name!r}", None
                ) from None
            idempotency.keep_no_answer()  # the token is shown once and stored only hashed
            made.append((row, token))
            return _changed(row)

        async def success(ctx: Any, result: CommandResult) -> ServiceTokenSuccess:
            row, token = made[0]
            return ServiceTokenSuccess(service_token=ServiceToken.from_row(row), token=token)

        return await run_in_loop(info, change, success, replayable=False)

    @strawberry.mutation(
        description="Revoke a service token: refused from now on by every API process; "
        "WebSockets opened with it are closed (4401 `token revoked`) and HTTP subscription "
        "streams end. Revoking again changes nothing."
    )
    async def revoke_service_token(
        self, info: Info, input: RevokeServiceTokenInput
    ) -> ServiceTokenPayload:
        # Revoking again changes nothing and answers the same: no commit to replay.
        revoked: list[Any] = []

        async def change() -> CommandResult:
            ctx = info.context
            _through_service_token(ctx.principal)
            ident = need_id(input.service_token_id, "ServiceToken", "serviceTokenId")
            async with ctx.pool.acquire() as conn, conn.transaction():
                row = await conn.fetchrow(
                    "UPDATE service_tokens SET revoked_at = coalesce(revoked_at, now()),"
                    " revoked_by = coalesce(revoked_by, $3) WHERE id = $1 AND workspace = $2"
                    " RETURNING *",
                    ident,
                    ctx.workspace,
                    ctx.principal.subject,
                )
                if row is not None:  # delivered on commit, to every API process
                    await conn.execute("SELECT pg_notify($1, $2)", REVOKED_CHANNEL, str(ident))
            if row is None:
                raise errors.NotFoundError("ServiceToken", str(ident))
            if ctx.services.service_tokens is not None:  # this process: before answering
                await ctx.services.service_tokens.revoked(ident)
            revoked.append(row)
            return _changed(row)

        async def success(ctx: Any, result: CommandResult) -> ServiceTokenSuccess:
            return ServiceTokenSuccess(service_token=ServiceToken.from_row(revoked[0]), token=None)

        return await run_in_loop(info, change, success, replayable=False)
