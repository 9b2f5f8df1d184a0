"""GraphQL types of the quarterly review: the review with its outcome audit (paged outcomes,
attainment, delivery), its verdicts, and what its backlog reset archived, seeded and left to
re-groom (read from review_items)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem, load_backlog_item
from okrank.api.graphql.node import Node, aggregate_fields, load_by_id
from okrank.api.graphql.pagination import (
    after_key,
    connection,
    connection_types,
    list_types,
    page_size,
)
from okrank.api.graphql.rows import from_row
from okrank.api.okrs.types import KeyResult, Objective, load_key_result, load_objective
from okrank.api.rankings.enums import TIERS, OptionalTagTier, TagTierEnum
from okrank.api.reviews import reads
from okrank.api.reviews.audits import review_audit
from okrank.domain.rankings.scoring import Tier
from okrank.domain.reviews.outcomes import ItemOutcome, OutcomeAudit
from okrank.domain.reviews.review import ItemVerdict, RegroomAction, ReviewPhase

ReviewPhaseEnum = strawberry.enum(
    ReviewPhase,
    name="ReviewPhase",
    description="A quarterly review's phase: AUDITING (the outcome audit, verdicts) → "
    "REGROOMING (after the backlog reset: each remaining item handled) → COMPLETED.",
)
ItemVerdictEnum = strawberry.enum(
    ItemVerdict,
    name="ItemVerdict",
    description="The reviewer's reading of a done item's outcome: MOVED_IT (the work moved its "
    "key result), DID_NOT, or UNCLEAR.",
)
RegroomActionEnum = strawberry.enum(
    RegroomAction,
    name="RegroomAction",
    description="What re-grooming did with a remaining item: TAGGED_FORWARD (to a next-cycle "
    "objective, with a tier), RESCOPED (edited), or ARCHIVED.",
)
DRAFT = (
    "True until an outcome audit is taken after the cycle has ended: a draft may be looked at "
    "and given verdicts, but its backlog is not reset and it completes only once audited again "
    "after the cycle's end (auditReviewOutcomes)."
)


def tier_of(value: str | None) -> Tier | None:
    return None if value is None else TIERS[value]


@strawberry.type(description="How one key result an item was tagged to moved after it was done.")
class KeyResultMovement:
    tier: TagTierEnum = strawberry.field(  # type: ignore[valid-type]
        description="The tag's tier when the item was done."
    )
    value_at_completion: float = strawberry.field(
        description="The key result's value when the item was done (latest check-in, or baseline)."
    )
    value_at_window_end: float = strawberry.field(
        description="Its value at the window's end (or the audit's moment, if earlier)."
    )
    progress_change: float = strawberry.field(
        description="Share of the way from baseline to target gained between the two (may be < 0)."
    )
    moved: bool = strawberry.field(description="Its progress grew (the wrong way is not moving).")
    objective_id: strawberry.Private[UUID]
    key_result_id: strawberry.Private[UUID]

    @strawberry.field(description="The key result.")
    async def key_result(self, info: Info) -> KeyResult | None:
        return await load_key_result(info, self.objective_id, self.key_result_id)

    @strawberry.field(description="The key result's objective.")
    async def objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.objective_id)


@strawberry.type(
    description="An item done in the cycle: did the key results it was tagged to move?"
)
class ReviewOutcome:
    title: str = strawberry.field(description="The item's title when the audit was taken.")
    done_at: datetime = strawberry.field(description="When it was done.")
    effort: float | None = strawberry.field(description="Its effort (null: not estimated).")
    movements: list[KeyResultMovement] = strawberry.field(
        description="Each key result it was tagged to when done (a tag to an objective alone "
        "stands for each of its key results), and how it moved."
    )
    reassess: bool = strawberry.field(
        description="Theory of change to reassess: shipped and tagged, and none of its key "
        "results moved (evidence about the bet, not blame on the team)."
    )
    verdict: ItemVerdictEnum | None = strawberry.field(
        description="The reviewer's verdict; null until recorded."
    )
    note: str | None = strawberry.field(description="The verdict's note; null without a verdict.")
    item_id: strawberry.Private[UUID]

    @strawberry.field(description="The backlog item.")
    async def item(self, info: Info) -> BacklogItem | None:
        return await load_backlog_item(info, self.item_id)

    @classmethod
    def of(cls, o: ItemOutcome, verdict: Any | None) -> ReviewOutcome:
        return cls(
            title=o.title,
            done_at=o.done_at,
            effort=o.effort,
            movements=[
                KeyResultMovement(
                    tier=TIERS[m.tier],
                    value_at_completion=m.value_at_completion,
                    value_at_window_end=m.value_at_window_end,
                    progress_change=m.progress_change,
                    moved=m.moved,
                    objective_id=m.objective_id,
                    key_result_id=m.key_result_id,
                )
                for m in o.movements
            ],
            reassess=o.reassess,
            verdict=None if verdict is None else ItemVerdict(verdict["verdict"]),
            note=None if verdict is None else verdict["note"],
            item_id=o.item_id,
        )


ReviewOutcomeEdge, ReviewOutcomeConnection = connection_types(
    ReviewOutcome,
    page_about="A page of a review's outcomes, in order of completion.",
    edge_about="An edge of a review's outcomes.",
    node_is="The outcome.",
    edges_are="Outcomes of this page.",
)


@strawberry.input(description="Which outcomes to list (each given condition must hold).")
class ReviewOutcomeFilter:
    reassess: bool | None = strawberry.field(
        default=None, description="Only those flagged (true) or not flagged (false) to reassess."
    )
    verdict: ItemVerdictEnum | None = strawberry.field(
        default=None, description="Only those with this verdict."
    )


@strawberry.type(description="An objective's attainment at the window's end.")
class ObjectiveAttainment:
    grade: float | None = strawberry.field(
        description="Mean of its key results' grades from check-ins (null: no key results)."
    )
    objective_id: strawberry.Private[UUID]

    @strawberry.field(description="The objective (of the review's scope and cycle).")
    async def objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.objective_id)


@strawberry.type(description="What the scope delivered in the cycle.")
class ReviewDelivery:
    items_done: int = strawberry.field(description="Items done in the cycle.")
    effort_done: float = strawberry.field(description="Their effort (unestimated items: 0).")


@strawberry.type(description="A seed item the backlog reset created for a next-cycle objective.")
class ReviewSeedItem:
    row: strawberry.Private[Any]

    @strawberry.field(description="The next-cycle objective it anchors refinement of.")
    async def objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["objective_id"])

    @strawberry.field(description="The seed item.")
    async def item(self, info: Info) -> BacklogItem | None:
        return await load_backlog_item(info, self.row["item_id"])


@strawberry.type(description="An item the backlog reset left to re-groom, and what was done.")
class RegroomedItem:
    action: RegroomActionEnum | None = strawberry.field(
        description="What re-grooming did with it; null while it is to go."
    )
    tier: OptionalTagTier = strawberry.field(  # type: ignore[valid-type]
        description="The tier it was tagged forward with (TAGGED_FORWARD)."
    )
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> RegroomedItem:
        action = r["action"]
        return cls(
            action=None if action is None else RegroomAction(action),
            tier=tier_of(r["tier"]),
            row=r,
        )

    @strawberry.field(description="The item.")
    async def item(self, info: Info) -> BacklogItem | None:
        return await load_backlog_item(info, self.row["item_id"])

    @strawberry.field(description="The next-cycle objective it was tagged forward to.")
    async def objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["objective_id"])


RegroomedItemEdge, RegroomedItemConnection = connection_types(
    RegroomedItem,
    page_about="A page of the items to re-groom, in the reset's order.",
    edge_about="An edge of the items to re-groom.",
    node_is="The item and what was done with it.",
    edges_are="Items of this page.",
)


@strawberry.type(description="Re-grooming's progress: the items the backlog reset left.")
class Regrooming:
    handled: int = strawberry.field(description="Items tagged forward, re-scoped or archived.")
    to_go: int = strawberry.field(description="Items still to handle.")
    review_id: strawberry.Private[UUID]

    @strawberry.field(description="The items, in the reset's order, with what was done.")
    async def items(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> RegroomedItemConnection:  # type: ignore[valid-type]
        ctx, limit = info.context, page_size(first)
        rows = await reads.review_items(
            ctx.pool, ctx.workspace, self.review_id, "REMAINING", after_key(after) or -1, limit + 1
        )
        return connection(
            RegroomedItemConnection,
            RegroomedItemEdge,
            RegroomedItem.from_row,
            "seq",
            rows,
            limit,
            after,
        )


@strawberry.type(
    description="The outcome-driven quarterly review of a team's (or the whole workspace's) "
    "cycle: which key results moved and did the work shipped move them; then the backlog reset "
    "around the next cycle's objectives and re-grooming."
)
@aggregate_fields(created_at="When the review started.", created_by="Subject who started it.")
class QuarterlyReview(Node):
    team: str | None = strawberry.field(description="The team; null: the whole workspace.")
    cycle: str = strawberry.field(description="The cycle reviewed (2026-Q3).")
    lag_days: int = strawberry.field(
        description="Days past the cycle's end the measuring window extends."
    )
    phase: ReviewPhaseEnum = strawberry.field(description="Where the review stands.")
    draft: bool = strawberry.field(description=DRAFT)
    audited_at: datetime | None = strawberry.field(description="When the latest audit was taken.")
    next_cycle: str | None = strawberry.field(
        description="The cycle the backlog was reset around; null before the reset."
    )
    close_reason: str | None = strawberry.field(
        description="Why the review was closed early (items unhandled); null otherwise."
    )
    completed_at: datetime | None = strawberry.field(description="When it completed.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> QuarterlyReview:
        return from_row(
            cls,
            r,
            team=r["team"] or None,
            phase=ReviewPhase(r["phase"]),
            draft=not r["audit_final"],
            close_reason=r["close_reason"] or None,
        )

    async def audit(self, info: Info) -> OutcomeAudit:
        return await review_audit(info.context.pool, self.row)

    @strawberry.field(description="The end of the measuring window: the cycle's end plus lagDays.")
    async def window_end(self, info: Info) -> datetime:
        return (await self.audit(info)).window_end

    @strawberry.field(
        description="The latest audit was taken before the window's end: values may still move."
    )
    async def provisional(self, info: Info) -> bool:
        return (await self.audit(info)).provisional

    @strawberry.field(description="Items done and effort done in the cycle.")
    async def delivery(self, info: Info) -> ReviewDelivery:
        audit = await self.audit(info)
        return ReviewDelivery(items_done=audit.items_done, effort_done=audit.effort_done)

    @strawberry.field(
        description="Attainment of the scope's objectives of the cycle (ACTIVE or CLOSED)."
    )
    async def attainment(self, info: Info) -> list[ObjectiveAttainment]:
        return [
            ObjectiveAttainment(grade=a.grade, objective_id=a.objective_id)
            for a in (await self.audit(info)).objectives
        ]

    @strawberry.field(
        description="The items done in the cycle, in order of completion, with how their key "
        "results moved and the verdicts recorded."
    )
    async def outcomes(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        filter: ReviewOutcomeFilter | None = None,
    ) -> ReviewOutcomeConnection:  # type: ignore[valid-type]
        ctx, limit = info.context, page_size(first)
        verdicts = {
            v["item_id"]: v
            for v in await reads.verdicts_of(ctx.pool, ctx.workspace, self.row["id"])
        }
        start = after_key(after)
        rows = []
        for n, o in enumerate((await self.audit(info)).outcomes):
            if start is not None and n <= start:
                continue
            verdict = verdicts.get(o.item_id)
            if not selected(o, verdict, filter):
                continue
            rows.append({"n": n, "outcome": o, "verdict": verdict})
            if len(rows) > limit:
                break
        return connection(
            ReviewOutcomeConnection,
            ReviewOutcomeEdge,
            lambda r: ReviewOutcome.of(r["outcome"], r["verdict"]),
            "n",
            rows,
            limit,
            after,
        )

    @strawberry.field(description="The items the backlog reset archived (no home in nextCycle).")
    async def archived_items(self, info: Info) -> list[BacklogItem]:
        rows = await self._items(info, "ARCHIVED")
        return [i for r in rows if (i := await load_backlog_item(info, r["item_id"])) is not None]

    @strawberry.field(description="The seed items the reset created, one per next-cycle objective.")
    async def seed_items(self, info: Info) -> list[ReviewSeedItem]:
        return [ReviewSeedItem(row=r) for r in await self._items(info, "SEED")]

    @strawberry.field(description="Re-grooming's progress (zero and zero before the reset).")
    async def regrooming(self, info: Info) -> Regrooming:
        ctx = info.context
        counts = await reads.regrooming_counts(ctx.pool, ctx.workspace, self.row["id"])
        return Regrooming(
            handled=counts["handled"], to_go=counts["to_go"], review_id=self.row["id"]
        )

    async def _items(self, info: Info, role: str) -> list[Any]:
        ctx = info.context
        return await reads.review_items(ctx.pool, ctx.workspace, self.row["id"], role)


def selected(o: ItemOutcome, verdict: Any | None, f: ReviewOutcomeFilter | None) -> bool:
    if f is None:
        return True
    if f.reassess is not None and o.reassess != f.reassess:
        return False
    return f.verdict is None or (verdict is not None and verdict["verdict"] == f.verdict.value)


async def load_quarterly_review(info: Info, ident: UUID | None) -> QuarterlyReview | None:
    """A review of the caller's workspace, or None."""
    return await load_by_id(info, ident, reads.reviews_by_id, QuarterlyReview.from_row)


QuarterlyReviewEdge, QuarterlyReviewConnection = list_types(
    QuarterlyReview, "review", page_about="A page of quarterly reviews, oldest first."
)
