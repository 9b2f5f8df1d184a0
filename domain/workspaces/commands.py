"""Commands on the workspace itself."""

from __future__ import annotations

from dataclasses import dataclass

from okrank.domain.commands import ChangeCommand
from okrank.domain.rankings.scoring import Multipliers


@dataclass(frozen=True)
class RecalibrateMultipliers(ChangeCommand):
    """New alignment multipliers; the workspace aggregate is made on the first one
    (`expected_version` 0 names that state)."""

    multipliers: Multipliers
    reason: str


@dataclass(frozen=True)
class SetCheckInInterval(ChangeCommand):
    """The days a key result may go without a check-in before it is stale (default 14)."""

    days: int
