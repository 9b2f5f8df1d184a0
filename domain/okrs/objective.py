"""Objective aggregate with its key results."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from okrank.domain.bounds import CONFIDENCE_MAX, KEY_RESULT_MAX, bounded
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.snapshots import StateSnapshot
from okrank.domain.text import optional_text, require_text

CYCLE_PATTERN = re.compile(r"[0-9]{4}(-Q[1-4])?")
HEALTHY_KEY_RESULTS = 5  # more than this per objective is reported as a warning
CHECK_IN_NOTE_MAX = 2_000


class ObjectiveLevel(StrEnum):
    COMPANY = "COMPANY"
    TEAM = "TEAM"


class ObjectiveStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"
    ARCHIVED = "ARCHIVED"


OPEN_STATUSES = (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE)


@dataclass(frozen=True)
class KeyResult:
    id: UUID
    metric: str
    unit: str
    baseline: float
    target: float
    output_style: bool


def validate_cycle(cycle: str) -> str:
    if not isinstance(cycle, str) or not CYCLE_PATTERN.fullmatch(cycle):
        raise ValidationError("cycle", "cycle must look like 2026-Q3 (a quarter) or 2026 (a year)")
    return cycle


class Objective(Aggregate):
    Snapshot = StateSnapshot  # plain JSON state: see domain.snapshots
    # domain.themes: the theme it belongs to, and the theme a discovery objective prepares
    # (class defaults serve objectives, and snapshots, from before themes existed).
    theme_id: UUID | None = None
    prepares_theme_id: UUID | None = None

    @event("Created")
    def __init__(
        self,
        workspace: str,
        cycle: str,
        title: str,
        description: str,
        level: str,
        team: str,
        parent_id: UUID | None,
        actor: str,
    ) -> None:
        self.workspace = workspace
        self.cycle = cycle
        self.title = title
        self.description = description
        self.level = ObjectiveLevel(level)
        self.team = team
        self.parent_id = parent_id
        self.status = ObjectiveStatus.DRAFT
        self.key_results: list[KeyResult] = []

    def key_result(self, key_result_id: UUID) -> KeyResult | None:
        return next((kr for kr in self.key_results if kr.id == key_result_id), None)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def add_key_result(
        self,
        key_result_id: UUID,
        metric: str,
        unit: str,
        baseline: float,
        target: float,
        output_style: bool,
        actor: str,
    ) -> None:
        if not self.is_open:
            raise ConflictError(f"objective is {self.status.value}; key results are frozen")
        metric = require_text("metric", metric, 200)
        unit = optional_text("unit", unit, 40)
        baseline = bounded("baseline", baseline, -KEY_RESULT_MAX, KEY_RESULT_MAX)
        target = bounded("target", target, -KEY_RESULT_MAX, KEY_RESULT_MAX)
        if baseline == target:
            raise ValidationError("target", "target must differ from baseline")
        self._key_result_added(
            key_result_id=key_result_id,
            metric=metric,
            unit=unit,
            baseline=float(baseline),
            target=float(target),
            output_style=bool(output_style),
            actor=actor,
        )

    @event("KeyResultAdded")
    def _key_result_added(
        self,
        key_result_id: UUID,
        metric: str,
        unit: str,
        baseline: float,
        target: float,
        output_style: bool,
        actor: str,
    ) -> None:
        self.key_results.append(
            KeyResult(key_result_id, metric, unit, baseline, target, output_style)
        )

    def activate(self, actor: str) -> None:
        if self.status != ObjectiveStatus.DRAFT:
            raise ConflictError(
                f"only a DRAFT objective can be activated; it is {self.status.value}"
            )
        if not self.key_results:
            raise ValidationError("id", "add at least one key result before activating")
        self._activated(actor=actor)

    @event("Activated")
    def _activated(self, actor: str) -> None:
        self.status = ObjectiveStatus.ACTIVE

    def close(self, actor: str) -> None:
        if self.status not in OPEN_STATUSES:
            raise ConflictError(f"objective is already {self.status.value}")
        self._closed(actor=actor)

    @event("Closed")
    def _closed(self, actor: str) -> None:
        self.status = ObjectiveStatus.CLOSED

    def check_in(
        self, key_result_id: UUID, value: float, confidence: float, note: str | None, actor: str
    ) -> None:
        """Record a key result's measured value and the team's confidence of reaching its
        target; the event's timestamp is the check-in's time."""
        if self.key_result(key_result_id) is None:
            raise ValidationError("keyResultId", "the objective has no such key result")
        if self.status != ObjectiveStatus.ACTIVE:
            raise ValidationError(
                "keyResultId",
                f"objective is {self.status.value}; check-ins need an ACTIVE objective",
            )
        self._key_result_checked_in(
            key_result_id=key_result_id,
            value=bounded("value", value, -KEY_RESULT_MAX, KEY_RESULT_MAX),
            confidence=bounded("confidence", confidence, 0.0, CONFIDENCE_MAX),
            note=optional_text("note", note, CHECK_IN_NOTE_MAX),
            actor=actor,
        )

    @event("KeyResultCheckedIn")
    def _key_result_checked_in(
        self, key_result_id: UUID, value: float, confidence: float, note: str, actor: str
    ) -> None:
        """Nothing the objective's rules need: the check-ins live in the read models."""

    @event("ThemeSet")
    def set_theme(self, theme_id: UUID | None, actor: str) -> None:
        self.theme_id = theme_id  # the rules are domain.themes.handlers'

    @event("DiscoveryMarked")
    def mark_discovery(self, prepares_theme_id: UUID, actor: str) -> None:
        self.prepares_theme_id = prepares_theme_id
