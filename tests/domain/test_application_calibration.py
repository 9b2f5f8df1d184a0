"""A recalibration cites the completed reviews it follows (domain.reviews.calibration
`cited_reviews`), through `OkrankApplication.execute`, in memory: the ids are stored with the
change; a review still open, one of another workspace, or no review at all is refused by field,
and nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.errors import ValidationError
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.reviews.commands import CompleteReview, StartQuarterlyReview
from okrank.domain.reviews.outcomes import audit_outcomes
from okrank.domain.workspaces.commands import RecalibrateMultipliers
from okrank.domain.workspaces.workspace import Workspace, workspace_id

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")
Q3_END = datetime(2026, 10, 1, tzinfo=UTC)
FINAL = audit_outcomes([], [], [], Q3_END, timedelta(0), Q3_END + timedelta(days=1))


def review(app, actor=OWNER, team="Growth", complete=True):
    ident = app.execute(actor, StartQuarterlyReview(team, "2026-Q3", 0, FINAL)).aggregate_id
    if complete:
        app.execute(actor, CompleteReview(ident, "closed without a reset"))
    return ident


def recalibrations(app):
    return [
        e
        for e in app.events.get(workspace_id("w"))
        if isinstance(e, Workspace.MultipliersRecalibrated)
    ]


def test_a_recalibration_stores_the_completed_reviews_it_cites_each_once(app):
    growth, core = review(app), review(app, team="Core")
    cited = (growth, core, growth)
    app.execute(OWNER, RecalibrateMultipliers(Multipliers(2, 0.8, 0.5), "evidence", cited))
    (event,) = recalibrations(app)
    assert event.evidence_review_ids == [str(growth), str(core)]
    app.execute(OWNER, RecalibrateMultipliers(Multipliers(2, 1, 0.5), "by feel"))
    assert recalibrations(app)[-1].evidence_review_ids == []


@pytest.mark.parametrize("which", ["open", "other workspace", "not a review"])
def test_citing_anything_but_a_completed_review_of_the_workspace_is_refused(app, which):
    completed = review(app)
    app.execute(OWNER, RecalibrateMultipliers(Multipliers(3, 1, 0.5), "first"))
    if which == "open":
        bad = review(app, team="Core", complete=False)
    elif which == "other workspace":
        bad = review(app, actor=STRANGER)
    else:
        bad = uuid4()
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, RecalibrateMultipliers(Multipliers(2, 0.5, 0.5), "x", (completed, bad)))
    assert refused.value.path == ["evidenceReviewIds", "1"]
    assert ("is AUDITING" in refused.value.message) == (which == "open")
    assert app.repository.get(workspace_id("w")).multipliers == Multipliers(3, 1, 0.5)
    assert len(recalibrations(app)) == 1
