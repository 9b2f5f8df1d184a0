"""The `okrChanged` subscription: check-ins, grade changes, sprints closing and quarterly
reviews' steps, live and resumable by cursor."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.commands import rate_limit
from okrank.api.graphql.ids import encode_cursor, to_global_id
from okrank.api.graphql.rows import from_row, global_id_or_none
from okrank.api.reviews.types import ItemVerdictEnum, RegroomActionEnum
from okrank.api.subscriptions.follow import follow, objective_scope
from okrank.api.subscriptions.shared_row import shared_value
from okrank.domain.reviews.review import ItemVerdict, RegroomAction
from okrank.projections.catalog import okr_changes
from okrank.projections.rankings.change_stream import OKR_CHANGES, ChangeCursor

OkrChangeKindEnum = strawberry.enum(
    okr_changes.OkrChangeKind,
    name="OkrChangeKind",
    description="What changed: KEY_RESULT_CHECKED_IN (a check-in: `value`, `confidence`, and "
    "the key result's grade before and after) or GRADE_CHANGED (the objective's grade moved: "
    "`oldGrade` → `newGrade`, caused by the key result's check-in just before it) or "
    "SPRINT_CLOSED (a sprint closed: `sprintId`, `team`, `cycle`, the items done and carried "
    "over; `objectiveId` and `keyResultId` are its goal's) or a quarterly review's step, "
    "`reviewId`, `team` and `cycle` with a null `objectiveId`: REVIEW_STARTED, REVIEW_AUDITED "
    "(its outcome audit taken again), REVIEW_VERDICT_RECORDED (`itemId`, `verdict`), "
    "REVIEW_BACKLOG_RESET, REVIEW_ITEM_REGROOMED (`itemId`, `regroomAction`), REVIEW_COMPLETED.",
)


@strawberry.type(description="A change in the OKR loop, in log order.")
class OkrChange:
    cursor: str = strawberry.field(description="Resume after this change with `after`.")
    kind: OkrChangeKindEnum = strawberry.field(description="What changed.")
    objective_id: strawberry.ID | None = strawberry.field(
        description="The objective (null for a quarterly review's change)."
    )
    key_result_id: strawberry.ID | None = strawberry.field(
        description="The key result checked in (the cause, for GRADE_CHANGED)."
    )
    value: float | None = strawberry.field(description="The value checked in (check-ins).")
    confidence: float | None = strawberry.field(description="The confidence (check-ins).")
    old_grade: float | None = strawberry.field(
        description="Grade before: the key result's (check-ins) or the objective's (null: the "
        "objective had no key results)."
    )
    new_grade: float | None = strawberry.field(description="Grade after, likewise.")
    actor: str = strawberry.field(description="Who caused it.")
    at: datetime = strawberry.field(description="When the causing event happened.")
    sprint_id: strawberry.ID | None = strawberry.field(
        description="The sprint closed (SPRINT_CLOSED; null otherwise)."
    )
    team: str | None = strawberry.field(
        description="The sprint's team (SPRINT_CLOSED) or the review's (REVIEW_*; null: a "
        "review of the whole workspace)."
    )
    cycle: str | None = strawberry.field(
        description="The sprint's cycle (SPRINT_CLOSED) or the cycle reviewed (REVIEW_*)."
    )
    done_item_ids: list[strawberry.ID] | None = strawberry.field(
        description="The backlog items done in the sprint, in the order given at its close "
        "(SPRINT_CLOSED)."
    )
    carried_over_item_ids: list[strawberry.ID] | None = strawberry.field(
        description="The backlog items planned but not done, carried over (SPRINT_CLOSED)."
    )
    review_id: strawberry.ID | None = strawberry.field(
        description="The quarterly review (REVIEW_*; null otherwise)."
    )
    item_id: strawberry.ID | None = strawberry.field(
        description="The backlog item given a verdict or re-groomed (REVIEW_VERDICT_RECORDED, "
        "REVIEW_ITEM_REGROOMED)."
    )
    verdict: ItemVerdictEnum | None = strawberry.field(
        description="The verdict recorded (REVIEW_VERDICT_RECORDED)."
    )
    regroom_action: RegroomActionEnum | None = strawberry.field(
        description="What re-grooming did with the item (REVIEW_ITEM_REGROOMED)."
    )

    @classmethod
    def from_row(cls, r: Any) -> OkrChange:
        verdict, action = r["verdict"], r["regroom_action"]
        return from_row(
            cls,
            r,
            cursor=encode_cursor([r["position"], r["ordinal"]]),
            kind=okr_changes.OkrChangeKind(r["kind"]),
            objective_id=global_id_or_none("Objective", r["objective_id"]),
            key_result_id=global_id_or_none("KeyResult", r["key_result_id"]),
            sprint_id=global_id_or_none("Sprint", r["sprint_id"]),
            team=r["team"] or None,
            done_item_ids=items(r["done_item_ids"]),
            carried_over_item_ids=items(r["carried_over_item_ids"]),
            review_id=global_id_or_none("QuarterlyReview", r["review_id"]),
            item_id=global_id_or_none("BacklogItem", r["item_id"]),
            verdict=None if verdict is None else ItemVerdict(verdict),
            regroom_action=None if action is None else RegroomAction(action),
        )


def items(ids: list[Any] | None) -> list[strawberry.ID] | None:
    return None if ids is None else [strawberry.ID(to_global_id("BacklogItem", i)) for i in ids]


@strawberry.type(description="Live updates of the OKR loop.")
class OkrSubscription:
    @strawberry.subscription(
        description="Check-ins, grade changes and sprints closing (a sprint counts for its "
        "goal's objective) of one objective, or, without `objectiveId`, of the whole "
        "workspace with its quarterly reviews' steps, in order. With `after`, first every "
        "change after that cursor, then live, without gap or duplicate. Ends with "
        "SUBSCRIBER_OVERFLOW if the client falls more than 1,000 changes behind (resume with "
        "the last cursor received), "
        "and with TOKEN_EXPIRED when the token expires."
    )
    async def okr_changed(
        self, info: Info, objective_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[OkrChange, None]:
        ctx = info.context
        rate_limit.admit_subscription(ctx.principal)
        scope = await objective_scope(ctx, objective_id)

        def replay(last: ChangeCursor, limit: int) -> Awaitable[list[Any]]:
            return OKR_CHANGES.workspace_changes_after(ctx.pool, ctx.workspace, scope, last, limit)

        feed = ctx.services.okr_feed
        async with contextlib.aclosing(
            follow(ctx, feed, scope, after, replay, lambda row: True, OkrChange.from_row)
        ) as rows:
            async for row in rows:
                yield shared_value(row, OkrChange.from_row)
