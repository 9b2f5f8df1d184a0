"""The workspace command through `OkrankApplication.execute`, in memory."""

from __future__ import annotations

import pytest

from okrank.domain.application import Actor
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.workspaces.commands import RecalibrateMultipliers
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
