"""Aggregate rules, without a database."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.backlog.item import BacklogItem, ItemStatus, TriageDecision
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.okrs.objective import Objective, ObjectiveStatus, validate_cycle
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier
from okrank.domain.workspaces.workspace import Workspace, workspace_id


def new_item() -> BacklogItem:
    return BacklogItem(workspace="w", title="t", description="", kind="FEATURE", actor="a")


def test_item_tags_retag_and_untag_are_recorded_as_events():
    item, objective = new_item(), uuid4()
    item.tag(objective, None, Tier.DIRECT, "because", "alice")
    item.retag(objective, None, Tier.INDIRECT, "less so", "bob")
    item.untag(objective, "out", "carol")
    events = item.collect_events()
    assert [type(e).__name__ for e in events] == ["Created", "Tagged", "Retagged", "Untagged"]
    assert [getattr(e, "actor", None) for e in events[1:]] == ["alice", "bob", "carol"]
    assert events[2].previous_tier == "DIRECT" and item.tags == {}


def test_duplicate_tag_conflicts_and_untagged_tier_is_invalid():
    item, objective = new_item(), uuid4()
    item.tag(objective, None, Tier.DIRECT, "r", "a")
    with pytest.raises(ConflictError):
        item.tag(objective, None, Tier.INDIRECT, "r", "a")
    with pytest.raises(ValidationError):
        item.tag(uuid4(), None, Tier.UNTAGGED, "r", "a")
    with pytest.raises(ValidationError):
        item.retag(objective, None, Tier.DIRECT, "same", "a")
    with pytest.raises(ValidationError):
        item.untag(uuid4(), "not tagged", "a")


def test_failed_command_emits_nothing():
    item = new_item()
    item.collect_events()
    with pytest.raises(ValidationError):
        item.score(RiceInputs(1, 7, 1, 1), None, "a")
    assert item.collect_events() == [] and item.rice is None


def test_justification_is_for_untagged_items_and_can_be_withdrawn():
    item = new_item()
    item.justify_non_strategic("security fix", "a")
    assert item.justification == "security fix"
    item.justify_non_strategic("", "a")
    assert item.justification == ""
    item.tag(uuid4(), None, Tier.DIRECT, "r", "a")
    with pytest.raises(ValidationError):
        item.justify_non_strategic("x", "a")


def test_triage_yes_needs_a_tag():
    item = new_item()
    with pytest.raises(ValidationError):
        item.triage(TriageDecision.YES, "", "a")
    item.triage(TriageDecision.NO, "not now", "a")
    assert item.status == ItemStatus.NOT_NOW


def test_objective_lifecycle_rules():
    o = Objective(
        workspace="w",
        cycle="2026-Q3",
        title="t",
        description="",
        level="TEAM",
        team="",
        parent_id=None,
        actor="a",
    )
    with pytest.raises(ValidationError):
        o.activate("a")  # no key result yet
    with pytest.raises(ValidationError):
        o.add_key_result(uuid4(), "m", "", 5, 5, False, "a")  # target equals baseline
    o.add_key_result(uuid4(), "m", "%", 0, 10, False, "a")
    o.activate("a")
    o.close("a")
    assert o.status == ObjectiveStatus.CLOSED
    with pytest.raises(ConflictError):
        o.add_key_result(uuid4(), "m2", "", 0, 1, False, "a")


@pytest.mark.parametrize("cycle", ["2026-Q3", "2026"])
def test_valid_cycles(cycle):
    assert validate_cycle(cycle) == cycle


@pytest.mark.parametrize("cycle", ["Q3", "2026-Q5", "2026Q3", ""])
def test_invalid_cycles(cycle):
    with pytest.raises(ValidationError):
        validate_cycle(cycle)


def test_workspace_id_is_derived_from_name_and_recalibration_is_validated():
    w = Workspace(name="acme", actor="a")
    assert w.id == workspace_id("acme") != workspace_id("other")
    w.recalibrate(Multipliers(3, 1, 0.25), "sharper", "a")
    assert w.multipliers == Multipliers(3, 1, 0.25)
    with pytest.raises(ValidationError):
        w.recalibrate(Multipliers(1, 2, 1), "inverted", "a")


def test_workspace_recalibrates_again_through_the_application_rules():
    w = Workspace(name="acme", actor="a")
    assert w.workspace == "acme"  # the application's workspace check reads this
