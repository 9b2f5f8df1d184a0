"""Text and numbers that cannot be stored never reach an event: refused with a named path."""

from __future__ import annotations

import math
from uuid import uuid4

import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.errors import ValidationError
from okrank.domain.plan.capacity import plan
from okrank.domain.rankings.scoring import Multipliers, RiceInputs
from okrank.domain.text import check_storable, first_unstorable, unstorable_character

ACTOR = Actor("w", "alice")


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "\ud800", "x\udfff", "\udc00y"])
def test_nul_and_lone_surrogates_are_unstorable(bad):
    assert unstorable_character(bad) is not None
    with pytest.raises(ValidationError) as caught:
        check_storable(["input", "title"], bad)
    assert caught.value.path == ["input", "title"]


@pytest.mark.parametrize("good", ["", "plain", "é 🎯", "tab\tnew\nline", "\ufffe", "\U0010ffff"])
def test_every_other_character_is_storable(good):
    assert unstorable_character(good) is None


def test_the_problem_names_the_character_and_where_it_is():
    assert unstorable_character("ab\ncd\x00") == (
        "contains U+0000 (NUL) at line 2, column 3, which cannot be stored"
    )


def test_nested_values_name_the_exact_path():
    value = {"rows": [["alice", 1, [0, 1], 0, 1, "ok"], ["bob", 2, [0], 0, 1, "s\x00"]]}
    assert first_unstorable(value) == (
        ["rows", "1", "5"],
        "contains U+0000 (NUL) at line 1, column 2, which cannot be stored",
    )
    assert first_unstorable({"score": math.inf}) == (["score"], "is not a finite number")
    assert first_unstorable({"k\x00": 1})[0] == ["k\x00"]


def command_refusals(app: OkrankApplication) -> list:
    """(command, expected path) for a NUL in each text of the core commands."""
    objective = app.create_objective(ACTOR, "2026-Q3", "Grow").aggregate_id
    item = app.create_backlog_item(ACTOR, "Search").aggregate_id
    nul = "evil\x00text"
    return [
        (lambda: app.create_backlog_item(ACTOR, nul), ["title"]),
        (lambda: app.create_backlog_item(ACTOR, "t", nul), ["description"]),
        (lambda: app.create_objective(ACTOR, "2026-Q3", nul), ["title"]),
        (lambda: app.create_objective(ACTOR, "2026-Q3", "t", team=nul), ["team"]),
        (lambda: app.create_objective(ACTOR, "2026\x00", "t"), ["cycle"]),
        (lambda: app.add_key_result(ACTOR, objective, nul, 0, 1), ["metric"]),
        (lambda: app.add_key_result(ACTOR, objective, "m", 0, 1, unit=nul), ["unit"]),
        (lambda: app.update_backlog_item(ACTOR, item, title=nul), ["title"]),
        (lambda: app.justify_non_strategic(ACTOR, item, nul), ["justification"]),
        (lambda: app.change_backlog_item_status(ACTOR, item, ItemStatus.NOT_NOW, nul), ["reason"]),
        (lambda: app.recalibrate_multipliers(ACTOR, Multipliers(), nul), ["reason"]),
    ]


def test_every_core_text_refuses_nul_and_nothing_is_stored():
    app = OkrankApplication()
    refusals = command_refusals(app)
    before = app.recorder.max_notification_id()
    for command, path in refusals:
        with pytest.raises(ValidationError) as caught:
            command()
        assert caught.value.path == path
    assert app.recorder.max_notification_id() == before


def test_the_last_line_guard_refuses_an_event_that_slipped_past_validation():
    app = OkrankApplication()
    item = BacklogItem(workspace="w", title="fine", description="", kind="FEATURE", actor="a")
    item._updated(title="sneaky\ud800", description="", kind="FEATURE", actor="a")
    with pytest.raises(ValidationError) as caught:
        app.save(item)
    assert caught.value.path == ["title"]
    assert app.recorder.max_notification_id() in (None, 0)


@pytest.mark.parametrize(
    ("rice", "path"),
    [
        (RiceInputs(1e308, 3, 1, 1e-300), ["rice", "reach"]),
        (RiceInputs(1e9 + 1, 1, 1, 1), ["rice", "reach"]),
        (RiceInputs(10, 1, 1, 1e-300), ["rice", "effort"]),
        (RiceInputs(10, 1, 1, 0.001), ["rice", "effort"]),
        (RiceInputs(10, 1, 1, 1e6 + 1), ["rice", "effort"]),
        (RiceInputs(math.nan, 1, 1, 1), ["rice", "reach"]),
        (RiceInputs(10, 1, math.inf, 1), ["rice", "confidence"]),
    ],
)
def test_rice_inputs_beyond_their_limits_are_refused(rice, path):
    app = OkrankApplication()
    item = app.create_backlog_item(ACTOR, "Search").aggregate_id
    with pytest.raises(ValidationError) as caught:
        app.score_backlog_item(ACTOR, item, rice)
    assert caught.value.path == path
    assert app.repository.get(item).rice is None


def test_the_largest_allowed_rice_score_is_finite_and_stored():
    app = OkrankApplication()
    item = app.create_backlog_item(ACTOR, "Search").aggregate_id
    app.score_backlog_item(ACTOR, item, RiceInputs(1e9, 3, 1, 0.01))
    assert app.repository.get(item).rice == RiceInputs(1e9, 3, 1, 0.01)


@pytest.mark.parametrize(("baseline", "target"), [(1e308, 0), (0, -1e13), (math.inf, 1)])
def test_key_result_values_are_bounded(baseline, target):
    app = OkrankApplication()
    objective = app.create_objective(ACTOR, "2026-Q3", "Grow").aggregate_id
    with pytest.raises(ValidationError):
        app.add_key_result(ACTOR, objective, "m", baseline, target)


@pytest.mark.parametrize(
    ("capacity", "shares", "path"),
    [
        (math.inf, {"o": 0.5}, ["capacity"]),
        (1e10, {"o": 0.5}, ["capacity"]),
        (10, {"o": math.nan}, ["allocations", "o", "share"]),
    ],
)
def test_plan_numbers_are_bounded(capacity, shares, path):
    with pytest.raises(ValidationError) as caught:
        plan(capacity, shares, {"o": [(uuid4(), 1.0)]})
    assert caught.value.path == path
