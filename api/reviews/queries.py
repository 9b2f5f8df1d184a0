"""Quarterly review reads: one team's review of a cycle, and pages of the workspace's reviews."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.graphql.arguments import text_argument
from okrank.api.graphql.pagination import after_key, connection, page_size
from okrank.api.reviews import reads
from okrank.api.reviews.types import (
    QuarterlyReview,
    QuarterlyReviewConnection,
    QuarterlyReviewEdge,
    load_quarterly_review,
)
from okrank.domain.reviews.review import review_id


@strawberry.type(description="Quarterly review reads.")
class ReviewQueries:
    @strawberry.field(
        description="The review of a team's cycle (no team: the whole workspace's), or null if "
        "none was started."
    )
    async def quarterly_review(
        self, info: Info, cycle: str, team: str | None = None
    ) -> QuarterlyReview | None:
        scope = (text_argument("team", team) or "").strip()  # as the review's start trims it
        ident = review_id(info.context.workspace, scope, text_argument("cycle", cycle) or "")
        return await load_quarterly_review(info, ident)

    @strawberry.field(description="Quarterly reviews, oldest first, optionally of one cycle.")
    async def quarterly_reviews(
        self, info: Info, cycle: str | None = None, first: int = 50, after: str | None = None
    ) -> QuarterlyReviewConnection:  # type: ignore[valid-type]
        limit = page_size(first)
        rows = await reads.reviews_page(
            info.context.pool,
            info.context.workspace,
            text_argument("cycle", cycle),
            after_key(after) or 0,
            limit + 1,
        )
        return connection(
            QuarterlyReviewConnection,
            QuarterlyReviewEdge,
            QuarterlyReview.from_row,
            "seq",
            rows,
            limit,
            after,
        )
