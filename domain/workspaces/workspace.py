"""Workspace aggregate: the tenant, holding its alignment multipliers and OKR settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okrank.domain.bounds import bounded
from okrank.domain.errors import ValidationError
from okrank.domain.okrs.hygiene import CHECK_IN_INTERVAL_MAX_DAYS
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

    def recalibrate(
        self,
        multipliers: Multipliers,
        reason: str,
        actor: str,
        evidence_review_ids: Sequence[UUID] = (),
    ) -> None:
        """`evidence_review_ids`: the completed reviews whose calibration the change follows
        (domain.reviews.calibration; the handler checked them), so the log says why."""
        m = validate_multipliers(multipliers)
        self._recalibrated(
            direct=m.direct,
            indirect=m.indirect,
            untagged=m.untagged,
            reason=reason,
            actor=actor,
            evidence_review_ids=[str(i) for i in evidence_review_ids],
        )

    class MultipliersRecalibrated(Aggregate.Event):
        """Version 2 cites the reviews the change draws on; version 1 (stored before
        calibration from evidence) is read as citing none."""

        class_version = 2
        direct: float
        indirect: float
        untagged: float
        reason: str
        actor: str
        evidence_review_ids: list[str]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["evidence_review_ids"] = []

    @event(MultipliersRecalibrated)
    def _recalibrated(
        self,
        direct: float,
        indirect: float,
        untagged: float,
        reason: str,
        actor: str,
        evidence_review_ids: list[str],
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

    @property
    def zombie_thresholds(self) -> ZombieThresholds:
        return ZombieThresholds(self.zombie_sprints, self.zombie_cycles)

    def set_zombie_thresholds(self, thresholds: ZombieThresholds, reason: str, actor: str) -> None:
        t = validate_thresholds(thresholds)
        self._zombie_thresholds_set(sprints=t.sprints, cycles=t.cycles, reason=reason, actor=actor)

    @event("ZombieThresholdsSet")
    def _zombie_thresholds_set(self, sprints: int, cycles: int, reason: str, actor: str) -> None:
        self.zombie_sprints, self.zombie_cycles = sprints, cycles
