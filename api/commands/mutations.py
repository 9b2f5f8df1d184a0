"""Mutations: one `input`, a payload union of success or typed errors, read-your-writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from okrank.api.auth import WRITERS, Role
from okrank.api.backlog import reads as backlog_reads
from okrank.api.backlog.types import (
    BacklogItem,
    ItemKindEnum,
    ItemStatusEnum,
    TriageDecisionEnum,
)
from okrank.api.commands import idempotency, rate_limit
from okrank.api.commands.committed import answer_committed, recorded_but_lagging
from okrank.api.commands.mutation_input import unstorable_argument
from okrank.api.database.health import WentDown, is_unavailable
from okrank.api.graphql.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    from_domain,
)
from okrank.api.graphql.ids import uuid_of
from okrank.api.http.unavailable import outcome_unknown, unavailable
from okrank.api.okrs import reads as okr_reads
from okrank.api.okrs.types import Objective, ObjectiveLevelEnum
from okrank.api.rankings import reads as ranking_reads
from okrank.api.rankings.enums import TagTierEnum as TagTier
from okrank.api.rankings.types import AlignmentMultipliers
from okrank.domain import errors
from okrank.domain.application import CommandResult, OkrankApplication
from okrank.domain.bounds import (
    EFFORT_MAX,
    EFFORT_MIN,
    KEY_RESULT_MAX,
    MULTIPLIER_MAX,
    REACH_MAX,
    spelt,
)
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs

ERRORS = (ValidationError, NotFoundError, ConflictError, PermissionDeniedError)
EXPECTED_VERSION = "Fail with ConflictError unless the entity is at this version."
REACH = f"People or events per period, in [0, {spelt(REACH_MAX)}]."
EFFORT = f"In [{spelt(EFFORT_MIN)}, {spelt(EFFORT_MAX)}]."
MULTIPLIER = f"In (0, {spelt(MULTIPLIER_MAX)}]"


@strawberry.type(description="The objective after the change.")
class ObjectiveSuccess:
    objective: Objective = strawberry.field(description="Its state, as queries now see it.")


@strawberry.type(description="The backlog item after the change.")
class BacklogItemSuccess:
    backlog_item: BacklogItem = strawberry.field(description="Its state, as queries now see it.")


@strawberry.type(description="The workspace's multipliers after the change.")
class AlignmentMultipliersSuccess:
    alignment_multipliers: AlignmentMultipliers = strawberry.field(
        description="The multipliers now in force."
    )


ObjectivePayload = Annotated[
    ObjectiveSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("ObjectivePayload", description="The objective, or why nothing changed."),
]
BacklogItemPayload = Annotated[
    BacklogItemSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("BacklogItemPayload", description="The item, or why nothing changed."),
]
AlignmentMultipliersPayload = Annotated[
    AlignmentMultipliersSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "AlignmentMultipliersPayload", description="The multipliers, or why nothing changed."
    ),
]


def need_id(value: str, type_name: str, field: str) -> UUID:
    ident = uuid_of(value, type_name)
    if ident is None:
        raise errors.ValidationError(field, f"{field} is not a {type_name} ID")
    return ident


def maybe_id(value: str | None, type_name: str, field: str) -> UUID | None:
    return None if value is None else need_id(value, type_name, field)


async def run(
    info: Info,
    command: Callable[[OkrankApplication, Any], CommandResult],
    success: Callable[[Any, CommandResult], Any],
    roles: frozenset[Role] = WRITERS,
    wait_seconds: float = 5.0,
) -> Any:
    """Check roles and input, run the command in a worker thread, wait for the read models,
    answer."""
    ctx = info.context
    if not ctx.principal.has_any(roles):
        return PermissionDeniedError(
            message="your roles do not allow this", required_roles=sorted(roles)
        )
    if unstorable := unstorable_argument(info):
        return unstorable
    health = ctx.services.health
    if health.down:
        raise unavailable()  # refused before anything is attempted: nothing was recorded
    rate_limit.charge_mutation(ctx.principal)
    try:
        result = await idempotency.run_command(
            lambda: health.unless_down(run_in_threadpool(command, ctx.services.app, ctx.actor))
        )
    except errors.DomainError as exc:
        return from_domain(exc)
    except Exception as exc:
        if not isinstance(exc, WentDown) and not is_unavailable(exc):
            raise
        health.suspect(exc)
        raise outcome_unknown() from None
    return await answer_committed(ctx, result, success, wait_seconds)


async def objective_success(ctx: Any, result: CommandResult) -> ObjectiveSuccess:
    rows = await okr_reads.objectives_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    return ObjectiveSuccess(objective=Objective.from_row(_row(rows, result)))


async def item_success(ctx: Any, result: CommandResult) -> BacklogItemSuccess:
    rows = await backlog_reads.items_by_id(ctx.pool, ctx.workspace, [result.aggregate_id])
    return BacklogItemSuccess(backlog_item=BacklogItem.from_row(_row(rows, result)))


async def multipliers_success(ctx: Any, result: CommandResult) -> AlignmentMultipliersSuccess:
    row = await ranking_reads.multipliers(ctx.pool, ctx.workspace)
    return AlignmentMultipliersSuccess(alignment_multipliers=AlignmentMultipliers.from_row(row))


def _row(rows: list[Any], result: CommandResult) -> Any:
    if not rows:
        raise recorded_but_lagging(result)
    return rows[0]


# --- inputs ---


@strawberry.input(description="A new objective, created as DRAFT.")
class CreateObjectiveInput:
    cycle: str = strawberry.field(description="A quarter (2026-Q3) or a year (2026).")
    title: str = strawberry.field(description="The objective's statement (1–200 characters).")
    description: str | None = strawberry.field(default=None, description="Context and intent.")
    level: ObjectiveLevelEnum = strawberry.field(
        default=ObjectiveLevelEnum.TEAM, description="COMPANY or TEAM."
    )
    team: str | None = strawberry.field(default=None, description="Owning team.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="An objective this one aligns to."
    )


@strawberry.input(description="A key result to add to an open objective.")
class AddKeyResultInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    metric: str = strawberry.field(description="What is measured.")
    baseline: float = strawberry.field(
        description=f"Value at the start (at most {spelt(KEY_RESULT_MAX)} either side of 0)."
    )
    target: float = strawberry.field(
        description="Value that counts as achieved (≠ baseline; at most "
        f"{spelt(KEY_RESULT_MAX)} either side of 0)."
    )
    unit: str | None = strawberry.field(default=None, description="Unit of the metric.")
    output_style: bool = strawberry.field(
        default=False, description="Flag an output-style key result ('launch 3 features')."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Names an objective for a lifecycle change.")
class ObjectiveLifecycleInput:
    objective_id: strawberry.ID = strawberry.field(description="The objective.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Names the DRAFT objective to activate.")
class ActivateObjectiveInput(ObjectiveLifecycleInput):
    pass


@strawberry.input(description="Names the DRAFT or ACTIVE objective to close.")
class CloseObjectiveInput(ObjectiveLifecycleInput):
    pass


@strawberry.input(description="A new backlog item, created as CANDIDATE.")
class CreateBacklogItemInput:
    title: str = strawberry.field(description="Short name (1–200 characters).")
    description: str | None = strawberry.field(default=None, description="Details.")
    kind: ItemKindEnum = strawberry.field(default=ItemKindEnum.FEATURE, description="Kind.")


@strawberry.input(description="Fields to change on an item; omitted fields stay as they are.")
class UpdateBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    title: str | None = strawberry.field(default=None, description="New title.")
    description: str | None = strawberry.field(default=None, description="New description.")
    kind: ItemKindEnum | None = strawberry.field(default=None, description="New kind.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="RICE inputs.")
class RiceInput:
    reach: float = strawberry.field(description=REACH)
    impact: float = strawberry.field(description="One of 3, 2, 1, 0.5, 0.25.")
    confidence: float = strawberry.field(description="In (0, 1].")
    effort: float = strawberry.field(description=EFFORT)


@strawberry.input(description="WSJF inputs, each one of 1, 2, 3, 5, 8, 13, 20.")
class WsjfInput:
    business_value: int = strawberry.field(description="User/business value.")
    time_criticality: int = strawberry.field(description="Time criticality.")
    risk_reduction: int = strawberry.field(description="Risk reduction/opportunity enablement.")
    job_size: int = strawberry.field(description="Job size.")


@strawberry.input(description="Score inputs to set; give RICE, WSJF or both.")
class ScoreBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    rice: RiceInput | None = strawberry.field(default=None, description="RICE inputs.")
    wsjf: WsjfInput | None = strawberry.field(default=None, description="WSJF inputs.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Tag an item to an open objective.")
class TagBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    objective_id: strawberry.ID = strawberry.field(description="A DRAFT or ACTIVE objective.")
    tier: TagTier = strawberry.field(description="DIRECT or INDIRECT.")
    reason: str = strawberry.field(description="Why: recorded in the tag history.")
    key_result_id: strawberry.ID | None = strawberry.field(
        default=None, description="The key result the item moves (of that objective)."
    )
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Change the tier or key result of an existing tag.")
class RetagBacklogItemInput(TagBacklogItemInput):
    pass


@strawberry.input(description="Remove an item's tag to an objective.")
class UntagBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    objective_id: strawberry.ID = strawberry.field(description="The objective to untag.")
    reason: str = strawberry.field(description="Why: recorded in the tag history.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Justify an untagged item as necessary but non-strategic.")
class JustifyNonStrategicInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    justification: str = strawberry.field(description="Why it is needed; '' withdraws it.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="The OKR filter's answer for an item.")
class TriageBacklogItemInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    decision: TriageDecisionEnum = strawberry.field(description="YES, NO or MAYBE.")
    reason: str | None = strawberry.field(default=None, description="Why.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="Move an item to another status.")
class ChangeBacklogItemStatusInput:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    status: ItemStatusEnum = strawberry.field(
        description="New status; PLANNED requires an eligible item."
    )
    reason: str | None = strawberry.field(default=None, description="Why.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input(description="New alignment multipliers (direct ≥ indirect ≥ untagged > 0).")
class RecalibrateAlignmentMultipliersInput:
    direct: float = strawberry.field(description=f"Multiplier of DIRECT. {MULTIPLIER}.")
    indirect: float = strawberry.field(description=f"Multiplier of INDIRECT. {MULTIPLIER}.")
    untagged: float = strawberry.field(description=f"Multiplier of UNTAGGED. {MULTIPLIER}.")
    reason: str = strawberry.field(description="Why: recorded with the change.")
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


def _item(input: Any) -> UUID:
    return need_id(input.backlog_item_id, "BacklogItem", "backlogItemId")


def _objective(input: Any) -> UUID:
    return need_id(input.objective_id, "Objective", "objectiveId")


@strawberry.type(description="Commands. Each answers after queries can see its effect.")
class Mutation:
    @strawberry.mutation(description="Create a DRAFT objective in a cycle.")
    async def create_objective(self, info: Info, input: CreateObjectiveInput) -> ObjectivePayload:
        return await run(
            info,
            lambda app, actor: app.create_objective(
                actor,
                input.cycle,
                input.title,
                input.description,
                input.level.value,
                input.team,
                maybe_id(input.parent_id, "Objective", "parentId"),
            ),
            objective_success,
        )

    @strawberry.mutation(description="Add a key result to a DRAFT or ACTIVE objective.")
    async def add_key_result(self, info: Info, input: AddKeyResultInput) -> ObjectivePayload:
        return await run(
            info,
            lambda app, actor: app.add_key_result(
                actor,
                _objective(input),
                input.metric,
                input.baseline,
                input.target,
                input.unit,
                input.output_style,
                input.expected_version,
            ),
            objective_success,
        )

    @strawberry.mutation(description="Activate a DRAFT objective (it needs a key result).")
    async def activate_objective(
        self, info: Info, input: ActivateObjectiveInput
    ) -> ObjectivePayload:
        return await run(
            info,
            lambda app, actor: app.activate_objective(
                actor, _objective(input), input.expected_version
            ),
            objective_success,
        )

    @strawberry.mutation(description="Close an objective at the end of its cycle.")
    async def close_objective(self, info: Info, input: CloseObjectiveInput) -> ObjectivePayload:
        return await run(
            info,
            lambda app, actor: app.close_objective(
                actor, _objective(input), input.expected_version
            ),
            objective_success,
        )

    @strawberry.mutation(description="Create a backlog item (status CANDIDATE).")
    async def create_backlog_item(
        self, info: Info, input: CreateBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.create_backlog_item(
                actor, input.title, input.description, input.kind.value
            ),
            item_success,
        )

    @strawberry.mutation(description="Change an item's title, description or kind.")
    async def update_backlog_item(
        self, info: Info, input: UpdateBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.update_backlog_item(
                actor,
                _item(input),
                input.title,
                input.description,
                input.kind.value if input.kind else None,
                input.expected_version,
            ),
            item_success,
        )

    @strawberry.mutation(description="Set an item's RICE and/or WSJF inputs.")
    async def score_backlog_item(
        self, info: Info, input: ScoreBacklogItemInput
    ) -> BacklogItemPayload:
        rice = wsjf = None
        if input.rice is not None:
            r = input.rice
            rice = RiceInputs(r.reach, r.impact, r.confidence, r.effort)
        if input.wsjf is not None:
            w = input.wsjf
            wsjf = WsjfInputs(w.business_value, w.time_criticality, w.risk_reduction, w.job_size)
        return await run(
            info,
            lambda app, actor: app.score_backlog_item(
                actor, _item(input), rice, wsjf, input.expected_version
            ),
            item_success,
        )

    @strawberry.mutation(description="Tag an item to an objective (and optionally a key result).")
    async def tag_backlog_item(self, info: Info, input: TagBacklogItemInput) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.tag_backlog_item(
                actor,
                _item(input),
                _objective(input),
                Tier(input.tier.value),
                input.reason,
                maybe_id(input.key_result_id, "KeyResult", "keyResultId"),
                input.expected_version,
            ),
            item_success,
        )

    @strawberry.mutation(description="Change the tier or key result of an existing tag.")
    async def retag_backlog_item(
        self, info: Info, input: RetagBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.retag_backlog_item(
                actor,
                _item(input),
                _objective(input),
                Tier(input.tier.value),
                input.reason,
                maybe_id(input.key_result_id, "KeyResult", "keyResultId"),
                input.expected_version,
            ),
            item_success,
        )

    @strawberry.mutation(description="Remove an item's tag to an objective.")
    async def untag_backlog_item(
        self, info: Info, input: UntagBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.untag_backlog_item(
                actor,
                _item(input),
                _objective(input),
                input.reason,
                input.expected_version,
            ),
            item_success,
        )

    @strawberry.mutation(description="Record (or withdraw) a non-strategic justification.")
    async def justify_non_strategic(
        self, info: Info, input: JustifyNonStrategicInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.justify_non_strategic(
                actor, _item(input), input.justification, input.expected_version
            ),
            item_success,
        )

    @strawberry.mutation(
        description="Apply the OKR filter: YES → BACKLOG, NO → NOT_NOW, MAYBE → DISCOVERY."
    )
    async def triage_backlog_item(
        self, info: Info, input: TriageBacklogItemInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.triage_backlog_item(
                actor,
                _item(input),
                input.decision,
                input.reason or "",
                input.expected_version,
            ),
            item_success,
        )

    @strawberry.mutation(description="Move an item to a status; DONE and ARCHIVED leave rankings.")
    async def change_backlog_item_status(
        self, info: Info, input: ChangeBacklogItemStatusInput
    ) -> BacklogItemPayload:
        return await run(
            info,
            lambda app, actor: app.change_backlog_item_status(
                actor,
                _item(input),
                input.status,
                input.reason or "",
                input.expected_version,
            ),
            item_success,
        )

    @strawberry.mutation(
        description="Recalibrate the workspace's alignment multipliers (ADMIN only; audited)."
    )
    async def recalibrate_alignment_multipliers(
        self, info: Info, input: RecalibrateAlignmentMultipliersInput
    ) -> AlignmentMultipliersPayload:
        return await run(
            info,
            lambda app, actor: app.recalibrate_multipliers(
                actor,
                Multipliers(input.direct, input.indirect, input.untagged),
                input.reason,
                input.expected_version,
            ),
            multipliers_success,
            roles=frozenset({Role.ADMIN}),
        )
