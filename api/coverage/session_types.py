"""GraphQL type of the tagging session: a cycle's OKR filter over a team's open backlog."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem, BacklogItemConnection, BacklogItemEdge
from okrank.api.coverage import session_reads
from okrank.api.graphql.pagination import after_key, connection, page_size


@strawberry.type(
    description="The tagging session at the start of a cycle: the team's open items (every "
    "status but DONE and ARCHIVED) and which were triaged for the cycle (triageBacklogItem with "
    "that cycle). A triage recorded for another cycle, or before triages named their cycle, "
    "does not count."
)
class TaggingSession:
    team: str = strawberry.field(description="The team whose backlog is triaged.")
    cycle: str = strawberry.field(description="The cycle triaged for.")
    items: int = strawberry.field(description="The team's open items.")
    triaged: int = strawberry.field(description="Of those, triaged for the cycle.")
    to_go: int = strawberry.field(description="Of those, not yet triaged for the cycle.")
    progress: float = strawberry.field(
        description="triaged / items, a fraction 0–1 (0 when the team has no open item)."
    )
    workspace: strawberry.Private[str]

    @strawberry.field(description="The open items still to triage for the cycle, oldest first.")
    async def to_triage(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> BacklogItemConnection:
        limit = page_size(first)
        rows = await session_reads.items_to_triage(
            info.context.pool,
            self.workspace,
            self.team,
            self.cycle,
            after_key(after) or 0,
            limit + 1,
        )
        return connection(
            BacklogItemConnection, BacklogItemEdge, BacklogItem.from_row, "seq", rows, limit, after
        )
