"""Health metric reads: one metric, and a team's metrics beside its OKRs."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.ids import need_uuid
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.health import reads
from okrank.api.health.types import (
    HealthMetric,
    HealthMetricConnection,
    HealthMetricEdge,
    load_health_metric,
)


@strawberry.type(description="Health metric reads.")
class HealthQueries:
    @strawberry.field(description="One health metric, or null if it is not in this workspace.")
    async def health_metric(self, info: Info, id: strawberry.ID) -> HealthMetric | None:
        return await load_health_metric(info, need_uuid(id, "HealthMetric", "id"))

    @strawberry.field(
        description="Health metrics, oldest first: a team's (`team`; '' for those of no team) "
        "or all; archived ones only with `includeArchived`."
    )
    async def health_metrics(
        self,
        info: Info,
        team: str | None = None,
        include_archived: bool = False,
        first: int = 50,
        after: str | None = None,
    ) -> HealthMetricConnection:
        return await metrics_connection(
            info, text_argument("team", team), include_archived, first, after
        )


async def metrics_connection(
    info: Info, team: str | None, include_archived: bool, first: int, after: str | None
) -> HealthMetricConnection:
    """A page of the workspace's health metrics (of one team, if `team`), oldest first."""
    limit = page_size(first)
    rows = await reads.metrics_page(
        info.context.pool,
        info.context.workspace,
        team,
        include_archived,
        after_key(after) or 0,
        limit + 1,
    )
    return connection(
        HealthMetricConnection, HealthMetricEdge, HealthMetric.from_row, "seq", rows, limit, after
    )
