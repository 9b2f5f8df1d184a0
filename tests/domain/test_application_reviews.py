"""Quarterly review commands through `OkrankApplication.execute`, in memory: starting with an
audit, one review per team and cycle, verdicts only on audited items, drafts that cannot
complete, and closing early only with a reason (the reset and re-grooming: their own tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.reviews.commands import (
    AuditReviewOutcomes,
    CompleteReview,
    RecordReviewVerdict,
    StartQuarterlyReview,
)
from okrank.domain.reviews.outcomes import DoneItem, audit_outcomes
from okrank.domain.reviews.review import ItemVerdict, ReviewPhase, review_id

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")
ITEM = uuid4()
Q3_END = datetime(2026, 10, 1, tzinfo=UTC)


def audit(taken_at, items=(ITEM,)):
    done = [DoneItem(i, "Shipped", Q3_END - timedelta(days=30), 1.0, ()) for i in items]
    return audit_outcomes(done, [], [], Q3_END, timedelta(0), taken_at)


FINAL = audit(Q3_END + timedelta(days=1))
DRAFT = audit(Q3_END - timedelta(days=1))


def start(app, team="Growth", the_audit=FINAL):
    return app.execute(OWNER, StartQuarterlyReview(team, "2026-Q3", 0, the_audit)).aggregate_id


def test_a_review_starts_with_its_audit_under_the_one_id_of_its_team_and_cycle(app):
    ident = start(app)
    assert ident == review_id("w", "Growth", "2026-Q3")
    review = app.repository.get(ident)
    assert review.phase == ReviewPhase.AUDITING and review.audit_final
    assert review.latest_audit() == FINAL
    with pytest.raises(ConflictError):
        start(app)  # a second review of the same team's cycle
    assert start(app, team=None) == review_id("w", "", "2026-Q3")  # the whole workspace


def test_a_verdict_is_recorded_only_for_an_item_the_audit_found_done(app):
    ident = start(app)
    app.execute(OWNER, RecordReviewVerdict(ident, ITEM, ItemVerdict.DID_NOT, "metric lags"))
    assert app.repository.get(ident).verdicts == {str(ITEM): "DID_NOT"}
    version = app.repository.get(ident).version
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, RecordReviewVerdict(ident, uuid4(), ItemVerdict.MOVED_IT))
    assert refused.value.path == ["backlogItemId"]
    assert app.repository.get(ident).version == version
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, RecordReviewVerdict(ident, ITEM, ItemVerdict.MOVED_IT))


def test_a_draft_review_cannot_complete_until_an_audit_is_taken_after_the_cycle_ended(app):
    ident = start(app, the_audit=DRAFT)
    assert not app.repository.get(ident).audit_final
    with pytest.raises(ValidationError, match="draft"):
        app.execute(OWNER, CompleteReview(ident, reason="done early"))
    app.execute(OWNER, AuditReviewOutcomes(ident, FINAL))
    app.execute(OWNER, CompleteReview(ident, reason="no reset this quarter"))
    review = app.repository.get(ident)
    assert review.phase == ReviewPhase.COMPLETED and review.close_reason == "no reset this quarter"


def test_closing_before_the_reset_needs_a_reason_and_a_completed_review_is_final(app):
    ident = start(app)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, CompleteReview(ident))
    assert refused.value.path == ["reason"]
    app.execute(OWNER, CompleteReview(ident, reason="team disbanded"))
    with pytest.raises(ConflictError):
        app.execute(OWNER, AuditReviewOutcomes(ident, FINAL))
    with pytest.raises(ConflictError):
        app.execute(OWNER, RecordReviewVerdict(ident, ITEM, ItemVerdict.UNCLEAR))


def test_a_lag_outside_zero_to_a_year_is_refused(app):
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, StartQuarterlyReview("Growth", "2026-Q3", 400, FINAL))
    assert refused.value.path == ["lagDays"]
