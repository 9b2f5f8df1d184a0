"""The workspace command through `OkrankApplication.execute`, in memory."""

from __future__ import annotations

import pytest

from okrank.domain.application import Actor
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.workspaces.commands import RecalibrateMultipliers, SetCheckInInterval
from okrank.domain.workspaces.workspace import workspace_id

ADMIN = Actor("w", "admin")


def test_the_first_recalibration_makes_the_workspace_and_later_ones_change_it(app):
    first = app.execute(ADMIN, RecalibrateMultipliers(Multipliers(3, 2, 1), "start"))
    assert first.aggregate_id == workspace_id("w")
    app.execute(ADMIN, RecalibrateMultipliers(Multipliers(4, 2, 1), "more", expected_version=2))
    assert app.repository.get(workspace_id("w")).multipliers == Multipliers(4, 2, 1)


def test_expected_version_zero_names_a_workspace_not_yet_recalibrated(app):
    with pytest.raises(ConflictError) as refused:
        app.execute(ADMIN, RecalibrateMultipliers(Multipliers(3, 2, 1), "x", expected_version=4))
    assert refused.value.current_version == 0
    app.execute(ADMIN, RecalibrateMultipliers(Multipliers(3, 2, 1), "x", expected_version=0))


def test_multipliers_must_be_ordered_and_the_reason_given(app):
    with pytest.raises(ValidationError):
        app.execute(ADMIN, RecalibrateMultipliers(Multipliers(1, 2, 3), "backwards"))
    with pytest.raises(ValidationError) as refused:
        app.execute(ADMIN, RecalibrateMultipliers(Multipliers(3, 2, 1), ""))
    assert refused.value.path == ["reason"]


def test_the_check_in_interval_is_set_on_the_workspace_made_or_existing(app):
    first = app.execute(ADMIN, SetCheckInInterval(7))
    assert first.aggregate_id == workspace_id("w") and first.version == 2
    assert first.topics == {
        "domain.workspace:Workspace.Created",
        "domain.workspace:Workspace.CheckInIntervalSet",
    }
    app.execute(ADMIN, RecalibrateMultipliers(Multipliers(3, 2, 1), "then", expected_version=2))
    again = app.execute(ADMIN, SetCheckInInterval(21, expected_version=3))
    assert again.topics == {"domain.workspace:Workspace.CheckInIntervalSet"}


@pytest.mark.parametrize("days", [0, 367, 1.5, float("nan"), True])
def test_the_check_in_interval_is_a_whole_number_of_days_from_1_to_366(app, days):
    with pytest.raises(ValidationError) as refused:
        app.execute(ADMIN, SetCheckInInterval(days))
    assert refused.value.path == ["days"]
    assert not app.exists(workspace_id("w"))  # nothing was made
