"""Theme aggregate: a strategic theme ('User Growth', 'Revenue') on the roadmap's horizon."""

from __future__ import annotations

from enum import StrEnum

from eventsourcing.domain import Aggregate, event

from okrank.domain.errors import ValidationError
from okrank.domain.text import REASON_MAX, optional_text, require_text

NAME_MAX = 200
DESCRIPTION_MAX = 10_000


class Horizon(StrEnum):
    """The roadmap's three columns (seed okr-agile-product-management.txt)."""

    NOW = "NOW"
    NEXT = "NEXT"
    LATER = "LATER"


def theme_name(value: str) -> str:
    return require_text("name", value, NAME_MAX)


def theme_description(value: str | None) -> str:
    return optional_text("description", value, DESCRIPTION_MAX)


class Theme(Aggregate):
    """State is plain values: the horizon is held as its str."""

    @event("Created")
    def __init__(
        self, workspace: str, name: str, description: str, horizon: str, team: str, actor: str
    ) -> None:
        self.workspace = workspace
        self.name = name
        self.description = description
        self.horizon = horizon
        self.team = team

    def move(self, horizon: Horizon, reason: str, actor: str) -> None:
        reason = require_text("reason", reason, REASON_MAX)
        if horizon.value == self.horizon:
            raise ValidationError("horizon", f"the theme is already {self.horizon}")
        self._moved(
            horizon=horizon.value, previous_horizon=self.horizon, reason=reason, actor=actor
        )

    @event("Moved")
    def _moved(self, horizon: str, previous_horizon: str, reason: str, actor: str) -> None:
        self.horizon = horizon

    def rename(self, name: str, description: str | None, actor: str) -> None:
        new_name = theme_name(name)
        new_description = (
            self.description if description is None else theme_description(description)
        )
        if (new_name, new_description) == (self.name, self.description):
            raise ValidationError("name", "nothing to change")
        self._renamed(name=new_name, description=new_description, actor=actor)

    @event("Renamed")
    def _renamed(self, name: str, description: str, actor: str) -> None:
        self.name = name
        self.description = description
