"""Commands on the workspace itself."""

from __future__ import annotations

from dataclasses import dataclass

from okrank.domain.commands import ChangeCommand
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.sprints.zombies import ZombieThresholds


@dataclass(frozen=True)
class RecalibrateMultipliers(ChangeCommand):
    """New alignment multipliers; the workspace aggregate is made on the first one
    (`expected_version` 0 names that state)."""

    multipliers: Multipliers
    reason: str


@dataclass(frozen=True)
class SetZombieThresholds(ChangeCommand):
    """After how many sprints or cycles an open item without a tag to an active objective is
    listed as a zombie (domain.sprints.zombies)."""

    thresholds: ZombieThresholds
    reason: str
