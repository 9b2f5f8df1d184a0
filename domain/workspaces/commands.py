"""Commands on the workspace itself."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okrank.domain.commands import ChangeCommand
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.sprints.zombies import ZombieThresholds


@dataclass(frozen=True)
class RecalibrateMultipliers(ChangeCommand):
    """New alignment multipliers; the workspace aggregate is made on the first one
    (`expected_version` 0 names that state). `evidence_review_ids`: the completed quarterly
    reviews whose calibration (domain.reviews.calibration) the change follows."""

    multipliers: Multipliers
    reason: str
    evidence_review_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class SetCheckInInterval(ChangeCommand):
    """The days a key result may go without a check-in before it is stale (default 14)."""

    days: int


@dataclass(frozen=True)
class SetZombieThresholds(ChangeCommand):
    """After how many sprints or cycles an open item without a tag to an active objective is
    listed as a zombie (domain.sprints.zombies)."""

    thresholds: ZombieThresholds
    reason: str
