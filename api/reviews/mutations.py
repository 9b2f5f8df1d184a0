"""Quarterly review mutations: start (with its first outcome audit), audit again, record a
verdict, complete. The audit is computed at the edge from the read models at the request's
moment (api.reviews.facts) and handed to the command ready, as the domain expects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry

from okrank.api.commands.committed import read_state
from okrank.api.commands.inputs import command_of, item_id, need_id, versioned
from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.reviews import reads
from okrank.api.reviews.facts import outcome_audit
from okrank.api.reviews.types import DRAFT, ItemVerdictEnum, QuarterlyReview
from okrank.domain.application import CommandResult
from okrank.domain.bounds import bounded
from okrank.domain.errors import NotFoundError
from okrank.domain.okrs.objective import validate_cycle
from okrank.domain.reviews import commands
from okrank.domain.reviews.handlers import VERDICT_NOTE_MAX
from okrank.domain.reviews.review import LAG_DAYS_MAX
from okrank.domain.text import REASON_MAX, team_name


@strawberry.type(description="The review after the change.")
class QuarterlyReviewSuccess:
    quarterly_review: QuarterlyReview = strawberry.field(
        description="Its state, as queries now see it."
    )
    notice: str | None = strawberry.field(
        description="Said when the review is a draft (its cycle had not ended when the audit "
        "was taken): what that allows and what it does not. Null for a final audit."
    )


QuarterlyReviewPayload = payload(
    "QuarterlyReviewPayload", "The review, or why nothing changed.", QuarterlyReviewSuccess
)


async def review_success(ctx: Any, result: CommandResult) -> QuarterlyReviewSuccess:
    review = await read_state(ctx, result, reads.reviews_by_id, QuarterlyReview.from_row)
    notice = (
        f"{review.cycle} has not ended: the review is a draft. {DRAFT}" if review.draft else None
    )
    return QuarterlyReviewSuccess(quarterly_review=review, notice=notice)


def review_id(input: Any) -> Any:
    return need_id(input.review_id, "QuarterlyReview", "reviewId")


def now() -> datetime:
    return datetime.now(UTC)


@strawberry.input(
    description="Start the review of a team's cycle (no team: the whole workspace's), with its "
    "first outcome audit taken now. A cycle that has not ended is reviewed as a draft."
)
class StartQuarterlyReviewInput:
    cycle: str = strawberry.field(description="The cycle reviewed (2026-Q3, or a year).")
    team: str | None = strawberry.field(
        default=None, description="The team; null or empty: the whole workspace."
    )
    lag_days: int = strawberry.field(
        default=0,
        description=f"Days past the cycle's end the measuring window extends (0–{LAG_DAYS_MAX}): "
        "shipped work may need weeks to move a metric.",
    )

    async def command_from(self, ctx: Any) -> commands.StartQuarterlyReview:
        team, cycle = team_name(self.team), validate_cycle(self.cycle)
        lag = int(bounded("lagDays", self.lag_days, 0, LAG_DAYS_MAX))
        audit = await outcome_audit(ctx.pool, ctx.workspace, team, cycle, lag, now())
        return commands.StartQuarterlyReview(team=team, cycle=cycle, lag_days=lag, audit=audit)


@strawberry.input(description="Take a review's outcome audit again, now (AUDITING only).")
@versioned
class AuditReviewOutcomesInput:
    review_id: strawberry.ID = strawberry.field(description="The review.")

    async def command_from(self, ctx: Any) -> commands.AuditReviewOutcomes:
        ident = review_id(self)
        rows = await reads.reviews_by_id(ctx.pool, ctx.workspace, [ident])
        if not rows:  # unknown, or another workspace's: the same answer
            raise NotFoundError("QuarterlyReview", str(ident))
        r = rows[0]
        audit = await outcome_audit(
            ctx.pool, ctx.workspace, r["team"], r["cycle"], r["lag_days"], now()
        )
        return command_of(self, commands.AuditReviewOutcomes, review_id=ident, audit=audit)


@strawberry.input(description="The reviewer's verdict on one item done in the cycle.")
@versioned
class RecordReviewVerdictInput:
    review_id: strawberry.ID = strawberry.field(description="The review (not COMPLETED).")
    backlog_item_id: strawberry.ID = strawberry.field(
        description="An item of the review's latest audit (done in the cycle)."
    )
    verdict: ItemVerdictEnum = strawberry.field(description="Did the work move its key results?")
    note: str | None = strawberry.field(
        default=None, description=f"Why (at most {VERDICT_NOTE_MAX} characters)."
    )

    def command(self) -> commands.RecordReviewVerdict:
        return command_of(
            self, commands.RecordReviewVerdict, review_id=review_id(self), item_id=item_id(self)
        )


@strawberry.input(description="Complete a review.")
@versioned
class CompleteReviewInput:
    review_id: strawberry.ID = strawberry.field(description="The review (audited after its cycle).")
    reason: str | None = strawberry.field(
        default=None,
        description="Required to close early: before the backlog reset, or with items not yet "
        f"re-groomed (at most {REASON_MAX} characters).",
    )

    def command(self) -> commands.CompleteReview:
        return command_of(self, commands.CompleteReview, review_id=review_id(self))


@strawberry.type(description="Quarterly review commands.")
class ReviewMutations:
    start_quarterly_review = command_mutation(
        StartQuarterlyReviewInput,
        QuarterlyReviewPayload,
        review_success,
        "Start the quarterly review of a team's cycle with its outcome audit: for each item done "
        "in the cycle, did the key results it was tagged to move? One review per team and cycle.",
    )
    audit_review_outcomes = command_mutation(
        AuditReviewOutcomesInput,
        QuarterlyReviewPayload,
        review_success,
        "Take the outcome audit again (new check-ins, or the cycle has ended: the draft becomes "
        "final).",
    )
    record_review_verdict = command_mutation(
        RecordReviewVerdictInput,
        QuarterlyReviewPayload,
        review_success,
        "Record the verdict (and a note) on an item done in the cycle; a later one replaces it.",
    )
    complete_review = command_mutation(
        CompleteReviewInput,
        QuarterlyReviewPayload,
        review_success,
        "Complete the review once every remaining item is re-groomed, or close it early with a "
        "reason. A draft does not complete.",
    )
