"""GraphQL for auditors: the head of the workspace's audit chain, and its verification.

Both recompute nothing from the read models: the head is the audit chain view's last link, and
`verifyAuditTrail` walks the event store itself (projections.audit.verify), in a worker thread
on the application's own PostgreSQL connections.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from okrank.api.auth import Principal
from okrank.api.auth.permissions import READ_AUDIT_TRAIL, allows
from okrank.api.exercises.privacy import forbidden
from okrank.api.graphql.ids import bad_input
from okrank.domain.application import OkrankApplication
from okrank.domain.audit.chain import Head
from okrank.domain.audit.verification import Problem, Verification
from okrank.projections.audit import verify


@strawberry.enum(description="What verification found first where the history was changed.")
class AuditProblem(Enum):
    ALTERED = strawberry.enum_value(
        Problem.ALTERED.value, description="The event's stored bytes no longer match the chain."
    )
    DELETED = strawberry.enum_value(
        Problem.DELETED.value,
        description="A chained event is gone from the event store (deleted, or moved away).",
    )
    REORDERED = strawberry.enum_value(
        Problem.REORDERED.value,
        description="Another event stands at a chained event's position (events were moved).",
    )
    INSERTED = strawberry.enum_value(
        Problem.INSERTED.value,
        description="The store holds an event of the workspace the chain never recorded.",
    )
    CHAIN_BROKEN = strawberry.enum_value(
        Problem.CHAIN_BROKEN.value,
        description="The chain itself was cut or rewritten (an event removed from both).",
    )
    HEAD_MISMATCH = strawberry.enum_value(
        Problem.HEAD_MISMATCH.value,
        description="The events up to the given head no longer hash to it: the history up to "
        "that (published) head changed, even if the chain was rewritten to match.",
    )


@strawberry.type(
    description="The head of a workspace's audit chain: publish it to prove later "
    "that the history up to it is unchanged."
)
class AuditHead:
    events: int = strawberry.field(description="How many of the workspace's events it covers.")
    hash: str = strawberry.field(
        description="The last link, SHA-256 in hex (of the previous link and the event's "
        "canonical bytes; see the README's audit trail section)."
    )

    @strawberry.field(
        description="`events:hash`, the form `verifyAuditTrail(head:)` and "
        "`okrank audit verify --head` take."
    )
    def head(self) -> str:
        return f"{self.events}:{self.hash}"

    @classmethod
    def of(cls, head: Head) -> AuditHead:
        return cls(events=head.events, hash=head.link.hex())


@strawberry.type(description="The audit chain recomputed from the event store.")
class AuditVerification:
    verified: bool = strawberry.field(
        description="Every chained event verifies (and the head, if one was given)."
    )
    events: int = strawberry.field(description="Events verified, in log order, before any problem.")
    head: AuditHead = strawberry.field(description="The head recomputed over those events.")
    problem: AuditProblem | None = strawberry.field(description="The first problem, if any.")
    position: int | None = strawberry.field(
        description="The log position of the event where it was found, if it has one."
    )
    message: str = strawberry.field(description="What was found, in words.")

    @classmethod
    def of(cls, result: Verification) -> AuditVerification:
        return cls(
            verified=result.verified,
            events=result.events,
            head=AuditHead.of(result.head),
            problem=AuditProblem(result.problem.value) if result.problem else None,
            position=result.position,
            message=result.message,
        )


def _require_auditor(principal: Principal) -> None:
    if not allows(principal, READ_AUDIT_TRAIL):
        raise forbidden("only an ADMIN or an AUDITOR reads the audit trail")


def _head(app: OkrankApplication, workspace: str) -> Head:
    with app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        return verify.head(conn, workspace)


def _verify(app: OkrankApplication, workspace: str, expected: Head | None) -> Verification:
    with app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        return verify.verify_workspace(conn, workspace, expected)


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="The head of this workspace's audit chain (ADMIN or AUDITOR; FORBIDDEN "
        "for others). Each acknowledged mutation is in it."
    )
    async def audit_head(self, info: Info) -> AuditHead:
        ctx = info.context
        _require_auditor(ctx.principal)
        return AuditHead.of(await run_in_threadpool(_head, ctx.services.app, ctx.workspace))

    @strawberry.field(
        description="Recompute this workspace's audit chain from the event store and compare "
        "it, event by event, with the chain recorded when each event was new: all events "
        "verify up to the head, or the first event that was altered, deleted, moved or "
        "inserted. With `head` (an earlier `auditHead.head`, e.g. one published elsewhere), "
        "also prove that the history up to it is unchanged. ADMIN or AUDITOR; FORBIDDEN for "
        "others."
    )
    async def verify_audit_trail(self, info: Info, head: str | None = None) -> AuditVerification:
        ctx = info.context
        _require_auditor(ctx.principal)
        try:
            expected = Head.parse(head) if head is not None else None
        except ValueError as exc:
            raise bad_input(f"head: {exc}") from None
        result = await run_in_threadpool(_verify, ctx.services.app, ctx.workspace, expected)
        return AuditVerification.of(result)
