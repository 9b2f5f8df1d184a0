"""Backlog item commands through `OkrankApplication.execute`, in memory: each success and its
typed failures (not found, conflict, validation)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    ImportBacklogItems,
    JustifyNonStrategic,
    RetagBacklogItem,
    ScoreBacklogItem,
    TagBacklogItem,
    TriageBacklogItem,
    UntagBacklogItem,
    UpdateBacklogItem,
)
from okrank.domain.backlog.item import ItemKind, ItemStatus, TriageDecision
from okrank.domain.csv_import import CsvImportError
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CloseObjective,
    CreateObjective,
)
from okrank.domain.rankings.scoring import RiceInputs, Tier, WsjfInputs

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")  # the same subject in another workspace


def item(app, title="Search"):
    return app.execute(OWNER, CreateBacklogItem(title)).aggregate_id


def objective(app, active=True):
    o = app.execute(OWNER, CreateObjective("2026-Q3", "Grow")).aggregate_id
    app.execute(OWNER, AddKeyResult(o, "users", 0, 1))
    if active:
        app.execute(OWNER, ActivateObjective(o))
    return o


def test_an_item_is_created_in_a_team_and_moved_to_another_or_to_none(app):
    i = app.execute(OWNER, CreateBacklogItem("Search", team="Growth")).aggregate_id
    assert app.repository.get(i).team == "Growth"
    app.execute(OWNER, UpdateBacklogItem(i, team="Platform", title="Better search"))
    saved = app.repository.get(i)
    assert (saved.team, saved.title) == ("Platform", "Better search")
    app.execute(OWNER, UpdateBacklogItem(i, team=""))
    assert app.repository.get(i).team == ""
    names = [type(e).__name__ for e in app.repository.event_store.get(i)]
    assert names == ["Created", "Updated", "TeamAssigned", "TeamAssigned"]  # Created holds it


def test_moving_an_item_to_its_own_team_changes_nothing(app):
    i = app.execute(OWNER, CreateBacklogItem("Search", team="Growth")).aggregate_id
    with pytest.raises(ValidationError, match="nothing to change"):
        app.execute(OWNER, UpdateBacklogItem(i, team="Growth"))
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, CreateBacklogItem("Other", team="x" * 101))
    assert refused.value.path == ["team"]
    assert app.repository.get(i).version == 1


def test_create_and_update_an_item(app):
    i = item(app)
    app.execute(OWNER, UpdateBacklogItem(i, title="Better search", kind="BUG"))
    saved = app.repository.get(i)
    assert (saved.title, saved.kind, saved.status) == (
        "Better search",
        ItemKind.BUG,
        ItemStatus.CANDIDATE,
    )


def test_create_refuses_an_unknown_kind_and_an_empty_title(app):
    with pytest.raises(ValidationError):
        app.execute(OWNER, CreateBacklogItem("x", kind="EPIC"))
    with pytest.raises(ValidationError):
        app.execute(OWNER, CreateBacklogItem(""))


def test_scoring_sets_rice_and_wsjf_and_refuses_out_of_range_inputs(app):
    i = item(app)
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(100, 2, 0.5, 1), WsjfInputs(1, 2, 3, 5)))
    saved = app.repository.get(i)
    assert saved.rice == RiceInputs(100, 2, 0.5, 1) and saved.wsjf == WsjfInputs(1, 2, 3, 5)
    with pytest.raises(ValidationError):
        app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(100, 7, 0.5, 1)))


def test_tag_retag_and_untag(app):
    i, o = item(app), objective(app)
    app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "moves users"))
    app.execute(OWNER, RetagBacklogItem(i, o, Tier.INDIRECT, "helps a little"))
    assert app.repository.get(i).tags[o].tier == Tier.INDIRECT
    app.execute(OWNER, UntagBacklogItem(i, o, "not any more"))
    assert app.repository.get(i).tags == {}


def test_tagging_twice_is_a_conflict_and_retagging_an_untagged_item_is_invalid(app):
    i, o = item(app), objective(app)
    app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why"))
    with pytest.raises(ConflictError):
        app.execute(OWNER, TagBacklogItem(i, o, Tier.INDIRECT, "again"))
    with pytest.raises(ValidationError):
        app.execute(OWNER, RetagBacklogItem(item(app, "other"), o, Tier.DIRECT, "why"))


def test_tags_need_an_open_objective_and_its_own_key_result(app):
    i, o = item(app), objective(app)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why", key_result_id=uuid4()))
    assert refused.value.path == ["keyResultId"]
    app.execute(OWNER, CloseObjective(o))
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why"))
    assert refused.value.path == ["objectiveId"]
    with pytest.raises(NotFoundError):
        app.execute(OWNER, TagBacklogItem(i, uuid4(), Tier.DIRECT, "why"))


def test_justification_is_for_untagged_items(app):
    i, o = item(app), objective(app)
    app.execute(OWNER, JustifyNonStrategic(i, "legal requirement"))
    assert app.repository.get(i).justification == "legal requirement"
    tagged = item(app, "tagged")
    app.execute(OWNER, TagBacklogItem(tagged, o, Tier.DIRECT, "why"))
    with pytest.raises(ValidationError):
        app.execute(OWNER, JustifyNonStrategic(tagged, "needed"))


def test_triage_yes_needs_a_tag_and_moves_the_item_to_the_backlog(app):
    i, o = item(app), objective(app)
    with pytest.raises(ValidationError):
        app.execute(OWNER, TriageBacklogItem(i, TriageDecision.YES))
    app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why"))
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.YES, "fits"))
    assert app.repository.get(i).status == ItemStatus.BACKLOG


def test_only_an_eligible_item_can_be_planned(app):
    i, draft = item(app), objective(app, active=False)
    app.execute(OWNER, TagBacklogItem(i, draft, Tier.DIRECT, "why"))
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, ChangeBacklogItemStatus(i, ItemStatus.PLANNED))
    assert refused.value.path == ["status"]
    app.execute(OWNER, ActivateObjective(draft))
    app.execute(OWNER, ChangeBacklogItemStatus(i, ItemStatus.PLANNED, "next sprint"))
    assert app.repository.get(i).status == ItemStatus.PLANNED
    with pytest.raises(ValidationError):
        app.execute(OWNER, ChangeBacklogItemStatus(i, ItemStatus.PLANNED))


def test_a_stale_version_conflicts_and_another_workspaces_item_is_not_found(app):
    i = item(app)
    with pytest.raises(ConflictError) as refused:
        app.execute(OWNER, UpdateBacklogItem(i, title="x", expected_version=5))
    assert refused.value.current_version == 1
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, UpdateBacklogItem(i, title="x"))


def test_an_import_creates_then_updates_by_key_and_refuses_a_bad_file_whole(app):
    csv = "Issue key,Summary,Issue Type\nP-1,Search,Story\nP-2,Export,Bug\n"
    first = app.execute(OWNER, ImportBacklogItems(csv))
    assert (first.counts.created, first.counts.updated) == (2, 0)
    again = app.execute(OWNER, ImportBacklogItems(csv.replace("Export", "Export v2")))
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 1, 1)
    with pytest.raises(CsvImportError):
        app.execute(OWNER, ImportBacklogItems("Issue key,Summary\nP-3,\n"))
