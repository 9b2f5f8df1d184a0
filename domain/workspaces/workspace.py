"""Workspace aggregate: the tenant, holding its alignment multipliers."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okrank.domain.rankings.scoring import Multipliers, validate_multipliers
from okrank.domain.snapshots import StateSnapshot
from okrank.domain.sprints.zombies import ZombieThresholds, validate_thresholds


def workspace_id(name: str) -> UUID:
    """Workspaces are named in tokens; their aggregate id is derived from the name."""
    return uuid5(NAMESPACE_URL, f"okrank:workspace:{name}")


class Workspace(Aggregate):
    Snapshot = StateSnapshot  # plain JSON state: see domain.snapshots
    # Set by ZombieThresholdsSet; the class defaults serve workspaces (and snapshots) without.
    zombie_sprints = ZombieThresholds.sprints
    zombie_cycles = ZombieThresholds.cycles

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

    @property
    def zombie_thresholds(self) -> ZombieThresholds:
        return ZombieThresholds(self.zombie_sprints, self.zombie_cycles)

    def set_zombie_thresholds(self, thresholds: ZombieThresholds, reason: str, actor: str) -> None:
        t = validate_thresholds(thresholds)
        self._zombie_thresholds_set(sprints=t.sprints, cycles=t.cycles, reason=reason, actor=actor)

    @event("ZombieThresholdsSet")
    def _zombie_thresholds_set(self, sprints: int, cycles: int, reason: str, actor: str) -> None:
        self.zombie_sprints, self.zombie_cycles = sprints, cycles
