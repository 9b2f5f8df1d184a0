"""The GraphQL schema's root: it composes Query, Mutation and Subscription from each concept's
modules (api/<concept>/queries.py, mutations, subscriptions) and sets the schema's extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache
from strawberry.tools import merge_types
from strawberry.types import Info

from okrank.api import limits
from okrank.api.audit.graphql import AuditQueries
from okrank.api.auth.service_token_graphql import ServiceTokenMutations, ServiceTokenQueries
from okrank.api.auth.viewer_graphql import ViewerQueries
from okrank.api.backlog.import_graphql import BacklogImportMutations
from okrank.api.backlog.mutations import BacklogItemMutations
from okrank.api.backlog.queries import BacklogQueries
from okrank.api.backlog.types import load_backlog_item
from okrank.api.briefings.mutations import BriefingMutations
from okrank.api.briefings.queries import BriefingQueries
from okrank.api.coverage.queries import CoverageQueries
from okrank.api.exercises.mutations import ExerciseMutations
from okrank.api.exercises.queries import ExerciseQueries, exercise_node
from okrank.api.graphql import scalars
from okrank.api.graphql.error_logging import QuietClientErrorsSchema
from okrank.api.graphql.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from okrank.api.graphql.ids import bad_input, need_uuid, parse_global_id
from okrank.api.graphql.node import Node
from okrank.api.health.mutations import HealthMutations
from okrank.api.health.queries import HealthQueries
from okrank.api.health.types import load_health_metric
from okrank.api.http import metrics
from okrank.api.http.unavailable import MaskErrorsExceptOutage
from okrank.api.limits.document_limits import DocumentLimits
from okrank.api.okrs.mutations import ObjectiveMutations
from okrank.api.okrs.okr_changed import OkrSubscription
from okrank.api.okrs.queries import OkrQueries
from okrank.api.okrs.types import key_result_node, load_objective
from okrank.api.plan.queries import PlanQueries
from okrank.api.rankings.mutations import RankingMutations
from okrank.api.rankings.queries import RankingQueries
from okrank.api.reviews.calibration import CalibrationQueries
from okrank.api.reviews.diagnostics import ReviewDiagnosticsQueries
from okrank.api.reviews.mutations import ReviewMutations
from okrank.api.reviews.queries import ReviewQueries
from okrank.api.reviews.recommendation import RecommendationQueries
from okrank.api.reviews.reset_mutations import ReviewResetMutations
from okrank.api.reviews.types import load_quarterly_review
from okrank.api.sprints.mutations import SprintMutations
from okrank.api.sprints.queries import SprintQueries
from okrank.api.sprints.types import load_sprint
from okrank.api.subscriptions.ranking_changed import RankingSubscription
from okrank.api.subscriptions.shared_render import SharedRenderExecutionContext
from okrank.api.themes.mutations import ThemeMutations
from okrank.api.themes.queries import ThemeQueries
from okrank.api.themes.types import load_theme
from okrank.api.webhooks.graphql import WebhookMutations, WebhookQueries

# Each node type's loader, by the type name in its global ID (what `node(id:)` can fetch).
NODE_LOADERS = {
    "Objective": load_objective,
    "KeyResult": key_result_node,
    "BacklogItem": load_backlog_item,
    "Exercise": exercise_node,
    "Sprint": load_sprint,
    "HealthMetric": load_health_metric,
    "Theme": load_theme,
    "QuarterlyReview": load_quarterly_review,
}


@strawberry.type(description="Reads. Every read sees only the caller's workspace.")
class RootQuery:
    @strawberry.field(description="Fetch any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        parsed = parse_global_id(id)
        if parsed is None:
            raise bad_input("malformed ID")
        load = NODE_LOADERS.get(parsed[0])
        return None if load is None else await load(info, need_uuid(id, parsed[0], "id"))


LIMIT_RULES = tuple(limits.validation_rules())


def _should_mask(error: GraphQLError) -> bool:
    """Hide unexpected exceptions (no stack trace or internals leak); keep our own errors."""
    original: Any = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


Query = merge_types(
    "Query",
    (
        ViewerQueries,
        RootQuery,
        OkrQueries,
        BacklogQueries,
        RankingQueries,
        CalibrationQueries,
        ExerciseQueries,
        PlanQueries,
        SprintQueries,
        ReviewQueries,
        CoverageQueries,
        HealthQueries,
        ThemeQueries,
        BriefingQueries,
        WebhookQueries,
        ServiceTokenQueries,
        AuditQueries,
        ReviewDiagnosticsQueries,
        RecommendationQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        ObjectiveMutations,
        BacklogItemMutations,
        RankingMutations,
        ExerciseMutations,
        SprintMutations,
        ReviewMutations,
        HealthMutations,
        ThemeMutations,
        BriefingMutations,
        WebhookMutations,
        ServiceTokenMutations,
        BacklogImportMutations,
        ReviewResetMutations,
    ),
)
Subscription = merge_types("Subscription", (RankingSubscription, OkrSubscription))
Query.__strawberry_definition__.description = RootQuery.__strawberry_definition__.description
Subscription.__strawberry_definition__.description = "Live updates."
Mutation.__strawberry_definition__.description = (
    "Commands. Each answers after queries can see its effect."
)

schema = QuietClientErrorsSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[ValidationError, NotFoundError, ConflictError, PermissionDeniedError],
    execution_context_class=SharedRenderExecutionContext,
    scalar_overrides=scalars.OVERRIDES,  # DateTime @specifiedBy RFC 3339
    # Factories: extensions are built per request; the parser and validation caches are shared
    # at module level by strawberry, so they still pay across requests. The validation cache is
    # keyed by the validation rules too, so the limits' rule classes are created once here.
    extensions=[
        lambda: MaskErrorsExceptOutage(
            should_mask_error=_should_mask, error_message="Internal error."
        ),
        metrics.OperationMetrics,  # /metrics: operations by outcome, latency
        lambda: DocumentLimits(max_token_count=5000, rules=LIMIT_RULES),
        lambda: ParserCache(maxsize=1024),
        *limits.extensions(),  # validation (cached), query cost, trusted documents
    ],
)
