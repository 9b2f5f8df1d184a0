"""Workspace aggregate: the tenant, holding its alignment multipliers."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

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
