"""How the quarterly review's commands load, change and save (the backlog reset and re-grooming,
which change items too: domain.reviews.reset_handlers)."""

from __future__ import annotations

from okrank.domain.bounds import bounded
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer
from okrank.domain.errors import ConflictError
from okrank.domain.okrs.objective import validate_cycle
from okrank.domain.reviews.commands import (
    AuditReviewOutcomes,
    CompleteReview,
    RecordReviewVerdict,
    StartQuarterlyReview,
)
from okrank.domain.reviews.reset_handlers import HANDLERS as RESET_HANDLERS
from okrank.domain.reviews.review import LAG_DAYS_MAX, QuarterlyReview, review_id
from okrank.domain.text import REASON_MAX, optional_text, team_name

VERDICT_NOTE_MAX = 2_000

changed = changer(QuarterlyReview, lambda command: command.review_id)


def start_quarterly_review(
    store: Aggregates, actor: Actor, command: StartQuarterlyReview
) -> CommandResult:
    c = command
    team = team_name(c.team or "")
    cycle = validate_cycle(c.cycle)
    lag_days = int(bounded("lagDays", c.lag_days, 0, LAG_DAYS_MAX))
    if store.find(review_id(actor.workspace, team, cycle)) is not None:
        scope = f"team {team}" if team else "the workspace"
        raise ConflictError(f"{scope} already has a review of {cycle}")
    review = QuarterlyReview(
        workspace=actor.workspace, team=team, cycle=cycle, lag_days=lag_days, actor=actor.subject
    )
    review.take_audit(c.audit, actor.subject)
    return store.save_new(review)


def audit_review_outcomes(
    store: Aggregates, actor: Actor, command: AuditReviewOutcomes
) -> CommandResult:
    return changed(store, actor, command, lambda r: r.take_audit(command.audit, actor.subject))


def record_review_verdict(
    store: Aggregates, actor: Actor, command: RecordReviewVerdict
) -> CommandResult:
    c = command
    note = optional_text("note", c.note, VERDICT_NOTE_MAX)
    return changed(
        store, actor, c, lambda r: r.record_verdict(c.item_id, c.verdict, note, actor.subject)
    )


def complete_review(store: Aggregates, actor: Actor, command: CompleteReview) -> CommandResult:
    reason = optional_text("reason", command.reason, REASON_MAX)
    return changed(store, actor, command, lambda r: r.complete(reason, actor.subject))


HANDLERS: Handlers = {
    StartQuarterlyReview: start_quarterly_review,
    AuditReviewOutcomes: audit_review_outcomes,
    RecordReviewVerdict: record_review_verdict,
    CompleteReview: complete_review,
    **RESET_HANDLERS,
}
