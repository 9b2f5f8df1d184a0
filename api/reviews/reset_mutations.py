"""The quarterly review's backlog reset and re-grooming mutations (domain.reviews.reset_handlers).

`resetBacklog` reads the scope's open items from the catalog (the handler cannot query read
models) and hands their ids to the command, which checks each one itself: an item created after
that read is not part of the reset.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry

from okrank.api.commands.inputs import command_of, item_id, maybe_id, need_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.database.read_pool import ReadPool
from okrank.api.rankings.enums import OptionalTagTier
from okrank.api.reviews.mutations import QuarterlyReviewPayload, review_id, review_success
from okrank.api.reviews.types import RegroomActionEnum
from okrank.domain.backlog.item import UNRANKED_STATUSES
from okrank.domain.errors import NotFoundError
from okrank.domain.reviews import commands
from okrank.domain.reviews.review import RegroomAction

REVIEW = "QuarterlyReview"  # the review's type name in its global ID


async def open_items_of_review_scope(pool: ReadPool, workspace: str, review: UUID) -> list[UUID]:
    """The open items of the review's scope (its team's, or the whole workspace's), as the
    catalog has them now; NotFoundError if the workspace has no such review."""
    scope = await pool.fetchrow(
        "SELECT team FROM quarterly_reviews WHERE workspace = $1 AND id = $2", workspace, review
    )
    if scope is None:
        raise NotFoundError(REVIEW, str(review))
    rows = await pool.fetch(
        "SELECT id FROM backlog_items WHERE workspace = $1 AND ($2 = '' OR team = $2)"
        " AND status <> ALL($3::text[]) ORDER BY seq",
        workspace,
        scope["team"],
        [s.value for s in UNRANKED_STATUSES],
    )
    return [r["id"] for r in rows]


@strawberry.input(
    description="Reset the backlog around the next cycle's objectives: the open items of the "
    "review's scope with no tag to any of them are archived, one OKR seed item is created per "
    "objective, the others are left to re-groom. One step: all of it or nothing."
)
@versioned
class ResetBacklogInput:
    review_id: strawberry.ID = strawberry.field(
        description="The review, at a final outcome audit (taken once its cycle had ended)."
    )
    next_cycle: str = strawberry.field(description="The cycle that follows the review's.")
    next_objective_ids: list[strawberry.ID] = strawberry.field(
        description="The next cycle's objectives (open, of nextCycle, at least one)."
    )
    reason: str = strawberry.field(
        description="Why the items are archived: recorded on each (1–2000 characters)."
    )

    async def command_from(self, ctx: Any) -> commands.ResetBacklog:
        ident = review_id(self)
        objectives = tuple(
            need_id(o, "Objective", "nextObjectiveIds") for o in self.next_objective_ids
        )
        candidates = await open_items_of_review_scope(ctx.pool, ctx.workspace, ident)
        return command_of(
            self,
            commands.ResetBacklog,
            review_id=ident,
            next_objective_ids=objectives,
            candidate_item_ids=tuple(candidates),
        )


@strawberry.input(description="Re-groom one item the backlog reset left to re-groom.")
@versioned
class RegroomReviewItemInput:
    review_id: strawberry.ID = strawberry.field(description="The review, in REGROOMING.")
    backlog_item_id: strawberry.ID = strawberry.field(description="An item the reset left.")
    action: RegroomActionEnum = strawberry.field(description="What to do with it.")
    objective_id: strawberry.ID | None = strawberry.field(
        default=None, description="TAGGED_FORWARD: one of the reset's next-cycle objectives."
    )
    tier: OptionalTagTier = strawberry.field(  # type: ignore[valid-type]
        default=None, description="TAGGED_FORWARD: DIRECT or INDIRECT."
    )
    key_result_id: strawberry.ID | None = strawberry.field(
        default=None, description="TAGGED_FORWARD: a key result of that objective (optional)."
    )
    title: str | None = strawberry.field(default=None, description="RESCOPED: a new title.")
    description: str | None = strawberry.field(
        default=None, description="RESCOPED: a new description."
    )
    reason: str | None = strawberry.field(
        default=None,
        description="ARCHIVED: why (required); TAGGED_FORWARD: the tag's reason (optional).",
    )

    def command(self) -> commands.RegroomItem:
        return command_of(
            self,
            commands.RegroomItem,
            review_id=review_id(self),
            item_id=item_id(self),
            action=RegroomAction(self.action.value),
            objective_id=maybe_id(self.objective_id, "Objective", "objectiveId"),
            key_result_id=maybe_id(self.key_result_id, "KeyResult", "keyResultId"),
        )


@strawberry.type(description="Backlog reset and re-grooming commands of a quarterly review.")
class ReviewResetMutations:
    reset_backlog = command_mutation(
        ResetBacklogInput,
        QuarterlyReviewPayload,
        review_success,
        "Reset the backlog around the next cycle's objectives (ADMIN or PRODUCT_OWNER): archive "
        "the scope's open items with no home in them, with the reason, and create one OKR seed "
        "item per objective; the review moves to REGROOMING.",
    )
    regroom_review_item = command_mutation(
        RegroomReviewItemInput,
        QuarterlyReviewPayload,
        review_success,
        "Tag forward, re-scope or archive an item the reset left to re-groom (ADMIN or "
        "PRODUCT_OWNER).",
    )
