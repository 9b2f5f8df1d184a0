"""Subscriptions: `rankingChanged`, live, resumable from a cursor without gap or duplicate."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.commands import rate_limit
from okrank.api.exercises.privacy import require_results, sees_ranking
from okrank.api.rankings.enums import RankingMethodEnum
from okrank.api.subscriptions.change_payload import change_payload
from okrank.api.subscriptions.follow import follow, objective_scope
from okrank.api.subscriptions.shared_row import shared_value
from okrank.domain.rankings.scoring import Method, split_method
from okrank.projections.rankings import causes
from okrank.projections.rankings.change_stream import ChangeCursor, workspace_changes_after

RankingChangeCause = strawberry.enum(
    causes.RankingChangeCause, description="The domain event that moved a ranking."
)


@strawberry.type(
    description="A move in one ranking: of one item (`backlogItemId` set, `count` 1), or of a "
    "run of `count` consecutive items displaced by it (`backlogItemId` null: the items ranked "
    "`oldRank` … `oldRank + count - 1` are now at `newRank` …). Displaced runs are reported "
    "before the item that displaced them."
)
class RankingChange:
    cursor: str = strawberry.field(description="Resume after this change with `after`.")
    objective_id: strawberry.ID | None = strawberry.field(
        description="The objective whose ranking changed; null for the product-level ranking."
    )
    backlog_item_id: strawberry.ID | None = strawberry.field(
        description="The item that moved; null for a run of displaced items."
    )
    count: int = strawberry.field(description="How many consecutive items moved (1 for an item).")
    method: RankingMethodEnum = strawberry.field(description="The ranking's base score.")
    exercise_id: strawberry.ID | None = strawberry.field(
        description="With method EXERCISE: the exercise whose results rank the objective."
    )
    old_rank: int | None = strawberry.field(
        description="Rank before (of the run's first item); null if the item entered."
    )
    new_rank: int | None = strawberry.field(
        description="Rank after (of the run's first item); null if the item left."
    )
    old_score: float | None = strawberry.field(description="Priority before (null for a run).")
    new_score: float | None = strawberry.field(description="Priority after (null for a run).")
    cause: RankingChangeCause = strawberry.field(description="The domain event behind it.")
    actor: str = strawberry.field(description="Who caused it.")
    at: datetime = strawberry.field(description="When the causing event happened.")

    @classmethod
    def from_row(cls, r: Any) -> RankingChange:
        fields = change_payload(r)
        fields["method"] = Method(fields["method"])
        fields["cause"] = RankingChangeCause(fields["cause"])
        return cls(**fields)


@strawberry.type(description="Live updates of rankings.")
class RankingSubscription:
    @strawberry.subscription(
        description="Ranking changes of one objective (or, without `objectiveId`, of the whole "
        "workspace), in order. With `after`, first every change after that cursor, then live, "
        "without gap or duplicate. Ends with SUBSCRIBER_OVERFLOW if the client falls more than "
        "1,000 changes behind (resume with the last cursor received), and with TOKEN_EXPIRED "
        "when the token expires. While the database is unavailable, subscribing with "
        "`objectiveId` or `after` ends with SERVICE_UNAVAILABLE (retry after `retryAfter` "
        "seconds); a subscription already live stays open and, once the database is back, "
        "receives every change committed meanwhile. "
        "Exercise rankings (method EXERCISE) are results: a STAKEHOLDER "
        "never receives them, and asking for them answers FORBIDDEN."
    )
    async def ranking_changed(
        self,
        info: Info,
        objective_id: strawberry.ID | None = None,
        after: str | None = None,
        method: RankingMethodEnum | None = None,
    ) -> AsyncGenerator[RankingChange, None]:
        ctx = info.context
        rate_limit.admit_subscription(ctx.principal)
        if method == Method.EXERCISE:
            require_results(ctx.principal)
        scope = await objective_scope(ctx, objective_id)
        wanted = method.value if method else None  # EXERCISE matches every exercise's ranking

        def shown(row: Any) -> bool:
            if not sees_ranking(ctx.principal, row["method"]):
                return False  # an exercise's ranking changes are its results
            return wanted is None or split_method(row["method"])[0] == wanted

        def replay(last: ChangeCursor, limit: int) -> Awaitable[list[Any]]:
            return workspace_changes_after(ctx.pool, ctx.workspace, scope, last, limit)

        # Closed with this generator: the feed forgets the subscriber at once.
        async with contextlib.aclosing(
            follow(ctx, ctx.services.feed, scope, after, replay, shown, RankingChange.from_row)
        ) as rows:
            async for row in rows:
                yield shared_value(row, RankingChange.from_row)
