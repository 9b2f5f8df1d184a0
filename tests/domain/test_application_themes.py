"""Theme commands through `OkrankApplication.execute`, in memory: create, move, rename; an
objective's and an item's theme (events on those aggregates); discovery objectives; and each
refusal changing nothing."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import CreateBacklogItem
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.okrs.commands import CreateObjective
from okrank.domain.themes.commands import (
    CreateTheme,
    MarkDiscoveryObjective,
    MoveTheme,
    RenameTheme,
    SetBacklogItemTheme,
    SetObjectiveTheme,
)
from okrank.domain.themes.theme import Horizon

OWNER = Actor("w", "owner")
STRANGER = Actor("other-workspace", "owner")


def theme(app, name="User Growth", horizon=Horizon.NOW, team=None, actor=OWNER):
    return app.execute(actor, CreateTheme(name, horizon, team=team)).aggregate_id


def objective(app, team="Growth", actor=OWNER):
    return app.execute(actor, CreateObjective("2026-Q3", "Grow", team=team)).aggregate_id


def item(app, team="Growth"):
    return app.execute(OWNER, CreateBacklogItem("Invite flow", team=team)).aggregate_id


def test_a_theme_is_created_moved_and_renamed(app):
    t = theme(app, team="Growth")
    saved = app.repository.get(t)
    assert (saved.name, saved.horizon, saved.team, saved.description) == (
        "User Growth",
        "NOW",
        "Growth",
        "",
    )
    app.execute(OWNER, MoveTheme(t, Horizon.LATER, "enterprise first", expected_version=1))
    app.execute(OWNER, RenameTheme(t, "Self-serve growth", description="PLG"))
    saved = app.repository.get(t)
    assert (saved.horizon, saved.name, saved.description, saved.version) == (
        "LATER",
        "Self-serve growth",
        "PLG",
        3,
    )


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (lambda t: MoveTheme(t, Horizon.NOW, "again"), ["horizon"]),
        (lambda t: MoveTheme(t, Horizon.NEXT, " "), ["reason"]),
        (lambda t: RenameTheme(t, "User Growth"), ["name"]),
        (lambda t: RenameTheme(t, ""), ["name"]),
        (lambda t: RenameTheme(t, "n" * 201), ["name"]),
    ],
)
def test_a_change_that_is_none_or_malformed_is_refused_by_name(app, command, path):
    t = theme(app)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, command(t))
    assert refused.value.path == path
    assert app.repository.get(t).version == 1


def test_a_theme_needs_a_storable_name_and_team(app):
    for fields, path in (({"name": "a\x00b"}, ["name"]), ({"team": "t" * 101}, ["team"])):
        with pytest.raises(ValidationError) as refused:
            app.execute(OWNER, CreateTheme(**{"name": "x", "horizon": Horizon.NOW, **fields}))
        assert refused.value.path == path


def test_an_objective_and_an_item_join_a_theme_and_leave_it(app):
    t, o, i = theme(app), objective(app), item(app)
    app.execute(OWNER, SetObjectiveTheme(o, t, expected_version=1))
    app.execute(OWNER, SetBacklogItemTheme(i, t))
    assert app.repository.get(o).theme_id == t and app.repository.get(i).theme_id == t
    app.execute(OWNER, SetBacklogItemTheme(i, None))
    assert app.repository.get(i).theme_id is None
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, SetObjectiveTheme(o, t))
    assert refused.value.path == ["themeId"]  # already there: nothing to change


def test_work_joins_only_a_shared_theme_or_its_own_teams(app):
    platform = theme(app, team="Platform")
    o, i = objective(app, team="Growth"), item(app, team="Growth")
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, SetObjectiveTheme(o, platform))
    assert refused.value.path == ["themeId"]
    with pytest.raises(ValidationError):
        app.execute(OWNER, SetBacklogItemTheme(i, platform))
    assert app.repository.get(o).version == 1 and app.repository.get(i).version == 1


def test_another_workspaces_theme_or_work_is_not_found(app):
    t, o = theme(app), objective(app)
    theirs = theme(app, actor=STRANGER)
    with pytest.raises(NotFoundError) as refused:
        app.execute(OWNER, SetObjectiveTheme(o, theirs))
    assert refused.value.kind == "Theme"
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, SetObjectiveTheme(o, theirs))
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, MoveTheme(t, Horizon.NEXT, "theirs?"))
    with pytest.raises(NotFoundError):
        app.execute(OWNER, SetBacklogItemTheme(uuid4(), t))


def test_a_discovery_objective_points_at_the_theme_it_prepares(app):
    later, o = theme(app, "Enterprise", Horizon.LATER), objective(app)
    app.execute(OWNER, MarkDiscoveryObjective(o, later))
    assert app.repository.get(o).prepares_theme_id == later
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, MarkDiscoveryObjective(o, later))
    assert refused.value.path == ["preparesThemeId"]
    with pytest.raises(NotFoundError):
        app.execute(OWNER, MarkDiscoveryObjective(o, uuid4()))
    with pytest.raises(ConflictError):
        app.execute(OWNER, MarkDiscoveryObjective(o, theme(app), expected_version=1))
