"""Mission briefing edits through `OkrankApplication.execute`, in memory: the first edit creates
the briefing of an objective or an item, each later edit is a version; bad content, unknown
subjects and indicators, and stale versions change nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import CreateBacklogItem
from okrank.domain.briefings.briefing import BriefingContent, briefing_id
from okrank.domain.briefings.commands import EditMissionBriefing
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.health.commands import CreateHealthMetric
from okrank.domain.okrs.commands import CreateObjective

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")


def content(**fields):
    base = {
        "context": "Churn rose after the pricing change.",
        "higher_intent": "Grow net revenue retention.",
        "my_intent": "Win back small teams.",
        "key_implied_tasks": ("Interview churned teams",),
        "boundaries": ("No discounts above 20%",),
        "key_failure_indicators": (),
    }
    return BriefingContent(**{**base, **fields})


def objective(app, actor=OWNER):
    return app.execute(actor, CreateObjective("2026-Q3", "Retain")).aggregate_id


def test_the_first_edit_creates_version_one_and_each_edit_adds_a_version(app):
    o = objective(app)
    m = app.execute(OWNER, CreateHealthMetric("Support tickets")).aggregate_id
    first = app.execute(OWNER, EditMissionBriefing("Objective", o, content(), expected_version=0))
    assert first.aggregate_id == briefing_id(o) and first.version == 1
    second = app.execute(
        OWNER,
        EditMissionBriefing(
            "Objective", o, content(key_failure_indicators=(m,)), expected_version=1
        ),
    )
    briefing = app.repository.get(briefing_id(o))
    assert second.version == 2 and briefing.key_failure_indicators == [m]
    assert (briefing.subject_kind, briefing.subject_id) == ("Objective", o)


def test_an_epic_has_a_briefing_too(app):
    i = app.execute(OWNER, CreateBacklogItem("Pricing page v2")).aggregate_id
    app.execute(OWNER, EditMissionBriefing("BacklogItem", i, content()))
    assert app.repository.get(briefing_id(i)).my_intent == "Win back small teams."


def test_an_edit_changing_nothing_or_at_a_stale_version_is_refused(app):
    o = objective(app)
    app.execute(OWNER, EditMissionBriefing("Objective", o, content()))
    with pytest.raises(ValidationError):
        app.execute(OWNER, EditMissionBriefing("Objective", o, content()))
    with pytest.raises(ConflictError) as refused:
        app.execute(
            OWNER, EditMissionBriefing("Objective", o, content(my_intent="x"), expected_version=0)
        )
    assert refused.value.current_version == 1
    with pytest.raises(ConflictError):
        other = objective(app)
        app.execute(OWNER, EditMissionBriefing("Objective", other, content(), expected_version=3))
    assert app.repository.get(briefing_id(o)).version == 1


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"context": "c" * 10_001}, ["context"]),
        ({"my_intent": "nul\x00"}, ["myIntent"]),
        ({"key_implied_tasks": ("ok", " ")}, ["keyImpliedTasks"]),
        ({"boundaries": ("b" * 501,)}, ["boundaries", "0"]),
        ({"boundaries": ("b",) * 51}, ["boundaries"]),
    ],
)
def test_bad_content_is_refused_naming_the_field(app, fields, path):
    o = objective(app)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, EditMissionBriefing("Objective", o, content(**fields)))
    assert refused.value.path[: len(path)] == path
    assert app.find(briefing_id(o)) is None


def test_unknown_subjects_and_indicators_are_not_found(app):
    o = objective(app)
    theirs = app.execute(STRANGER, CreateHealthMetric("Theirs")).aggregate_id
    with pytest.raises(NotFoundError) as refused:
        app.execute(
            OWNER, EditMissionBriefing("Objective", o, content(key_failure_indicators=(theirs,)))
        )
    assert refused.value.kind == "HealthMetric"
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, EditMissionBriefing("Objective", o, content()))
    with pytest.raises(NotFoundError):
        app.execute(OWNER, EditMissionBriefing("BacklogItem", o, content()))  # not an item
    with pytest.raises(NotFoundError):
        app.execute(OWNER, EditMissionBriefing("Objective", uuid4(), content()))
    m = app.execute(OWNER, CreateHealthMetric("Ours")).aggregate_id
    with pytest.raises(ValidationError) as twice:
        app.execute(
            OWNER, EditMissionBriefing("Objective", o, content(key_failure_indicators=(m, m)))
        )
    assert twice.value.path == ["keyFailureIndicatorIds"]
    assert app.find(briefing_id(o)) is None
