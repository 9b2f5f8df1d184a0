"""The GraphQL schema: queries here, mutations in api.mutations, types in api.types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
)
from strawberry.tools import merge_types
from strawberry.types import Info

from okrank.api import limits
from okrank.api.audit.graphql import AuditQueries
from okrank.api.auth.service_token_graphql import ServiceTokenMutations, ServiceTokenQueries
from okrank.api.backlog.import_graphql import BacklogImportMutations
from okrank.api.commands.mutations import Mutation as CoreMutation
from okrank.api.exercises.mutations import ExerciseMutations
from okrank.api.exercises.privacy import require_results
from okrank.api.exercises.queries import ExerciseQueries, load_exercise
from okrank.api.exercises.types import Exercise
from okrank.api.graphql import reads, scalars
from okrank.api.graphql.arguments import datetime_argument, text_argument
from okrank.api.graphql.error_logging import QuietClientErrorsSchema
from okrank.api.graphql.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.api.graphql.execution import PlainSelectionsExecutionContext
from okrank.api.graphql.ids import (
    bad_input,
    decode_ranking_cursor,
    need_uuid,
    parse_global_id,
    ranking_cursor,
    to_global_id,
)
from okrank.api.graphql.pagination import after_key, connection, page_info, page_size
from okrank.api.graphql.types import (
    TIERS,
    AlignmentMultipliers,
    AlignmentTierEnum,
    BacklogItem,
    BacklogItemConnection,
    BacklogItemEdge,
    ItemKindEnum,
    ItemStatusEnum,
    Node,
    Objective,
    ObjectiveConnection,
    ObjectiveEdge,
    ObjectiveLevelEnum,
    ObjectiveStatusEnum,
    RankingConnection,
    RankingEdge,
    RankingEntry,
    RankingMethodEnum,
    TagEvent,
    TagEventConnection,
    TagEventEdge,
    Viewer,
)
from okrank.api.http import metrics
from okrank.api.http.unavailable import MaskErrorsExceptOutage
from okrank.api.subscriptions.ranking_changed import Subscription
from okrank.api.webhooks.graphql import WebhookMutations, WebhookQueries
from okrank.domain.rankings.scoring import Method, exercise_method


@strawberry.input(description="Filters for backlogItems; all given filters must match.")
class BacklogItemFilter:
    status: ItemStatusEnum | None = strawberry.field(default=None, description="Status.")
    kind: ItemKindEnum | None = strawberry.field(default=None, description="Kind.")
    objective_id: strawberry.ID | None = strawberry.field(
        default=None, description="Tagged to this objective."
    )
    tagged: bool | None = strawberry.field(
        default=None, description="true: has at least one tag; false: out of OKR scope."
    )


@strawberry.type(description="Reads. Every read sees only the caller's workspace.")
class CoreQuery:
    @strawberry.field(description="Who the token says the caller is.")
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(workspace=p.workspace, subject=p.subject, roles=sorted(p.roles))

    @strawberry.field(description="Fetch any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None:
            raise bad_input("malformed ID")
        kind = parsed[0]
        if kind == "Objective":
            return await CoreQuery.objective(self, info, id)
        if kind == "BacklogItem":
            return await CoreQuery.backlog_item(self, info, id)
        if kind == "Exercise":
            row = await load_exercise(info, need_uuid(id, "Exercise", "id"))
            return Exercise.from_row(row) if row else None
        return None

    @strawberry.field(description="One objective, or null if it is not in this workspace.")
    async def objective(self, info: Info, id: strawberry.ID) -> Objective | None:
        row = await info.context.loaders.objective.load(need_uuid(id, "Objective", "id"))
        return Objective.from_row(row) if row else None

    @strawberry.field(description="Objectives, oldest first, optionally filtered.")
    async def objectives(
        self,
        info: Info,
        cycle: str | None = None,
        status: ObjectiveStatusEnum | None = None,
        level: ObjectiveLevelEnum | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ObjectiveConnection:
        limit = page_size(first)
        after_seq = after_key(after) or 0
        rows = await reads.objectives_page(
            info.context.pool,
            info.context.workspace,
            text_argument("cycle", cycle),
            status.value if status else None,
            level.value if level else None,
            after_seq,
            limit + 1,
        )
        return connection(
            ObjectiveConnection, ObjectiveEdge, Objective.from_row, "seq", rows, limit, after
        )

    @strawberry.field(description="One backlog item, or null if it is not in this workspace.")
    async def backlog_item(self, info: Info, id: strawberry.ID) -> BacklogItem | None:
        row = await info.context.loaders.item.load(need_uuid(id, "BacklogItem", "id"))
        return BacklogItem.from_row(row) if row else None

    @strawberry.field(description="Backlog items, oldest first, optionally filtered.")
    async def backlog_items(
        self,
        info: Info,
        filter: BacklogItemFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> BacklogItemConnection:
        limit = page_size(first)
        f = filter or BacklogItemFilter()
        objective = (
            need_uuid(f.objective_id, "Objective", "filter.objectiveId")
            if (f.objective_id)
            else None
        )
        after_seq = after_key(after) or 0
        rows = await reads.items_page(
            info.context.pool,
            info.context.workspace,
            f.status.value if f.status else None,
            f.kind.value if f.kind else None,
            objective,
            f.tagged,
            after_seq,
            limit + 1,
        )
        return connection(
            BacklogItemConnection, BacklogItemEdge, BacklogItem.from_row, "seq", rows, limit, after
        )

    @strawberry.field(
        description="A ranking, best first: priority = base score × alignment multiplier. With "
        "`objectiveId`: that objective's tagged items; without: the product-level ranking of "
        "every open item. Ties: higher base score, then older item. Unscored items come last. "
        "`method: EXERCISE` with `exerciseId`: the objective's candidates ranked by that closed "
        "exercise's results (base score = the exercise's score), with the same multipliers; "
        "results are not for a STAKEHOLDER (FORBIDDEN)."
    )
    async def ranking(
        self,
        info: Info,
        objective_id: strawberry.ID | None = None,
        method: RankingMethodEnum = Method.RICE,
        first: int = 50,
        after: str | None = None,
        eligible_only: bool = False,
        exercise_id: strawberry.ID | None = None,
    ) -> RankingConnection:
        limit = page_size(first)
        ctx = info.context
        scope = None
        method_key = method.value
        if (method == Method.EXERCISE) != (exercise_id is not None):
            raise bad_input("method EXERCISE goes with an exerciseId, and only it")
        if exercise_id is not None:
            eid = need_uuid(exercise_id, "Exercise", "exerciseId")
            require_results(ctx.principal)  # an exercise's ranking is its results
            exercise = await load_exercise(info, eid)
            if exercise is None:
                raise GraphQLError(
                    f"Exercise {exercise_id} not found", extensions={"code": "NOT_FOUND"}
                )
            if exercise["status"] != "CLOSED":
                raise bad_input("the exercise has no results until it is closed")
            if objective_id is None:
                objective_id = strawberry.ID(to_global_id("Objective", exercise["objective_id"]))
            if need_uuid(objective_id, "Objective", "objectiveId") != exercise["objective_id"]:
                raise bad_input("the exercise belongs to another objective")
            method_key = exercise_method(eid)
        if objective_id is not None:
            scope = need_uuid(objective_id, "Objective", "objectiveId")
        key = decode_ranking_cursor(after) if after else None
        page = await reads.ranking_page(
            ctx.pool, ctx.workspace, scope, method_key, key, limit + 1, eligible_only
        )
        if page is None:
            raise GraphQLError(
                f"Objective {objective_id} not found", extensions={"code": "NOT_FOUND"}
            )
        before, rows = page
        edges = []
        for i, r in enumerate(rows[:limit]):
            entry = RankingEntry(
                rank=before + i + 1,
                backlog_item=BacklogItem.from_row(r),
                base_score=r["base_score"],
                multiplier=r["multiplier"],
                tier=TIERS[r["tier"]],
                priority=r["priority"],
                eligible=r["eligible"],
                scored=r["base_score"] is not None,
            )
            cursor = ranking_cursor(
                r["k_unscored"], r["k_priority"], r["k_base"], r["seq"], r["id"]
            )
            edges.append(RankingEdge(cursor=cursor, node=entry))

        async def count() -> int:
            return await reads.ranking_count(
                ctx.pool, ctx.workspace, scope, method_key, eligible_only
            )

        return RankingConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], len(rows) > limit, after),
            method=method,
            count=count,
        )

    @strawberry.field(
        description="Tag-change history, newest first: of one item, one objective, one actor, "
        "or the whole workspace; `since` inclusive, `until` exclusive. `keyResultId` and "
        "`tier`: the decisions that set that key result or tier, or (retag, untag) took it away."
    )
    async def tag_history(
        self,
        info: Info,
        backlog_item_id: strawberry.ID | None = None,
        objective_id: strawberry.ID | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 50,
        after: str | None = None,
        key_result_id: strawberry.ID | None = None,
        tier: AlignmentTierEnum | None = None,
    ) -> TagEventConnection:
        limit = page_size(first)
        item = (
            need_uuid(backlog_item_id, "BacklogItem", "backlogItemId")
            if (backlog_item_id)
            else None
        )
        objective = need_uuid(objective_id, "Objective", "objectiveId") if objective_id else None
        key_result = need_uuid(key_result_id, "KeyResult", "keyResultId") if key_result_id else None
        before = after_key(after)
        rows = await reads.tag_events_page(
            info.context.pool,
            info.context.workspace,
            item,
            objective,
            text_argument("actor", actor),
            datetime_argument("since", since),
            datetime_argument("until", until),
            before,
            limit + 1,
            key_result,
            tier.value if tier else None,
        )
        return connection(
            TagEventConnection, TagEventEdge, TagEvent.from_row, "position", rows, limit, after
        )

    @strawberry.field(description="The workspace's alignment multipliers.")
    async def alignment_multipliers(self, info: Info) -> AlignmentMultipliers:
        row = await reads.multipliers(info.context.pool, info.context.workspace)
        return AlignmentMultipliers.from_row(row)


LIMIT_RULES = limits.validation_rules()


def _should_mask(error: GraphQLError) -> bool:
    """Hide unexpected exceptions (no stack trace or internals leak); keep our own errors."""
    original: Any = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


Query = merge_types(
    "Query", (CoreQuery, ExerciseQueries, WebhookQueries, ServiceTokenQueries, AuditQueries)
)
Mutation = merge_types(
    "Mutation",
    (
        CoreMutation,
        ExerciseMutations,
        WebhookMutations,
        ServiceTokenMutations,
        BacklogImportMutations,
    ),
)
Query.__strawberry_definition__.description = CoreQuery.__strawberry_definition__.description
Mutation.__strawberry_definition__.description = CoreMutation.__strawberry_definition__.description

schema = QuietClientErrorsSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[ValidationError, NotFoundError, ConflictError, PermissionDeniedError],
    execution_context_class=PlainSelectionsExecutionContext,
    scalar_overrides=scalars.OVERRIDES,  # DateTime @specifiedBy RFC 3339
    # Factories: extensions are built per request; the parser and validation caches are shared
    # at module level by strawberry, so they still pay across requests. The validation cache is
    # keyed by the validation rules too, so the limits' rule classes are created once here.
    extensions=[
        lambda: MaskErrorsExceptOutage(
            should_mask_error=_should_mask, error_message="Internal error."
        ),
        metrics.OperationMetrics,  # /metrics: operations by outcome, latency
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=5000),
        lambda: ParserCache(maxsize=1024),
        *limits.extensions(),  # validation (cached), query cost, trusted documents
    ],
)
