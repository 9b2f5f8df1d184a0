"""The cycle's dashboards over a team's backlog: coverage and the tagging session."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.coverage import reads, session_reads
from okrank.api.coverage.arguments import team_and_cycle
from okrank.api.coverage.session_types import TaggingSession
from okrank.api.coverage.types import Coverage, SprintCoverage
from okrank.api.graphql.ids import to_global_id
from okrank.api.graphql.rows import from_row
from okrank.domain.coverage.shares import coverage as compute_coverage


@strawberry.type(description="Dashboards of a team's backlog against a cycle's OKRs.")
class CoverageQueries:
    @strawberry.field(
        description="How much of `team`'s open backlog is linked to the ACTIVE objectives of "
        "`cycle` (2026-Q3 or 2026), by objective and by tier, and how much is justified or "
        "unjustified, in items and in estimated effort. A team no item names gives zeros."
    )
    async def coverage(self, info: Info, team: str, cycle: str) -> Coverage:
        team, cycle = team_and_cycle(team, cycle)
        ctx = info.context

        async def compute() -> Coverage:
            g = await reads.team_coverage_groups(ctx.pool, ctx.workspace, team, cycle)
            return Coverage.of(team, cycle, compute_coverage(g.items, g.objectives, g.listed))

        key = (ctx.workspace, team, cycle, "coverage")
        return await ctx.services.dashboards.read(ctx.services.progress, key, compute)

    @strawberry.field(
        description="The coverage of each of `team`'s sprints of `cycle`, by start date: a "
        "time series over the cycle of how much of each sprint's planned work was linked to "
        "its active objectives. A team without sprints gives an empty list."
    )
    async def sprint_coverage(self, info: Info, team: str, cycle: str) -> list[SprintCoverage]:
        team, cycle = team_and_cycle(team, cycle)
        ctx = info.context

        async def compute() -> list[SprintCoverage]:
            sprints = await reads.sprint_coverage_groups(ctx.pool, ctx.workspace, team, cycle)
            return [
                from_row(
                    SprintCoverage,
                    s,
                    sprint_id=strawberry.ID(to_global_id("Sprint", s["id"])),
                    coverage=Coverage.of(
                        team, cycle, compute_coverage(g.items, g.objectives, g.listed)
                    ),
                )
                for s, g in sprints
            ]

        key = (ctx.workspace, team, cycle, "sprints")
        return await ctx.services.dashboards.read(ctx.services.progress, key, compute)

    @strawberry.field(
        description="The tagging session of `cycle` for `team`: its open items not yet "
        "triaged for the cycle, and the progress (triaged / to go)."
    )
    async def tagging_session(self, info: Info, cycle: str, team: str) -> TaggingSession:
        team, cycle = team_and_cycle(team, cycle)
        ctx = info.context
        items, triaged = await ctx.services.dashboards.read(
            ctx.services.progress,
            (ctx.workspace, team, cycle, "session"),
            lambda: session_reads.session_counts(ctx.pool, ctx.workspace, team, cycle),
        )
        return TaggingSession(
            team=team,
            cycle=cycle,
            items=items,
            triaged=triaged,
            to_go=items - triaged,
            progress=triaged / items if items else 0.0,
            workspace=ctx.workspace,
        )
