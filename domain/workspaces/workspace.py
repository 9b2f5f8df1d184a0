"""Workspace aggregate: the tenant, holding its alignment multipliers and OKR settings."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okrank.domain.bounds import bounded
from okrank.domain.errors import ValidationError
from okrank.domain.okrs.hygiene import CHECK_IN_INTERVAL_MAX_DAYS
from okrank.domain.rankings.scoring import Multipliers, validate_multipliers
from okrank.domain.snapshots import StateSnapshot


def workspace_id(name: str) -> UUID:
    """Workspaces are named in tokens; their aggregate id is derived from the name."""
    return uuid5(NAMESPACE_URL, f"okrank:workspace:{name}")


class Workspace(Aggregate):
    Snapshot = StateSnapshot  # plain JSON state: see domain.snapshots

    @staticmethod
    def create_id(name: str, actor: str) -> UUID:
        return workspace_id(name)

    @event("Created")
    def __init__(self, name: str, actor: str) -> None:
        self.name = name
        defaults = Multipliers()
        self.direct = defaults.direct
        self.indirect = defaults.indirect
        self.untagged = defaults.untagged

    @property
    def workspace(self) -> str:
        """Like every aggregate, a workspace belongs to a workspace: itself."""
        return self.name

    @property
    def multipliers(self) -> Multipliers:
        return Multipliers(self.direct, self.indirect, self.untagged)

    def recalibrate(self, multipliers: Multipliers, reason: str, actor: str) -> None:
        m = validate_multipliers(multipliers)
        self._recalibrated(
            direct=m.direct, indirect=m.indirect, untagged=m.untagged, reason=reason, actor=actor
        )

    @event("MultipliersRecalibrated")
    def _recalibrated(
        self, direct: float, indirect: float, untagged: float, reason: str, actor: str
    ) -> None:
        self.direct, self.indirect, self.untagged = direct, indirect, untagged

    def set_check_in_interval(self, days: int, actor: str) -> None:
        """How many days a key result of an ACTIVE objective may go without a check-in before
        it is reported stale (domain.okrs.hygiene)."""
        if isinstance(days, float) and not days.is_integer():
            raise ValidationError("days", "days must be a whole number")
        days = int(bounded("days", days, 1, CHECK_IN_INTERVAL_MAX_DAYS))
        self._check_in_interval_set(days=days, actor=actor)

    @event("CheckInIntervalSet")
    def _check_in_interval_set(self, days: int, actor: str) -> None:
        """Nothing the workspace's rules need: the hygiene reads it from the read models."""
