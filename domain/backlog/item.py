"""BacklogItem aggregate: an item, its score inputs and its OKR tags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from okrank.domain.bounds import finite_result
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.okrs.cycles import current_quarter
from okrank.domain.okrs.objective import validate_cycle
from okrank.domain.rankings.scoring import (
    RiceInputs,
    Tier,
    WsjfInputs,
    rice_score,
    validate_rice,
    validate_wsjf,
    wsjf_score,
)
from okrank.domain.snapshots import StateSnapshot
from okrank.domain.text import REASON_MAX, optional_text, require_reason, require_text, team_name

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000


class ItemKind(StrEnum):
    FEATURE = "FEATURE"
    TECH_DEBT = "TECH_DEBT"
    BUG = "BUG"
    DISCOVERY = "DISCOVERY"


class ItemStatus(StrEnum):
    CANDIDATE = "CANDIDATE"
    BACKLOG = "BACKLOG"
    DISCOVERY = "DISCOVERY"
    NOT_NOW = "NOT_NOW"
    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    ARCHIVED = "ARCHIVED"


# Items in these statuses have left the backlog and are not ranked.
UNRANKED_STATUSES = frozenset({ItemStatus.DONE, ItemStatus.ARCHIVED})


class TriageDecision(StrEnum):
    """The OKR filter's question: will this help us achieve a key result?"""

    YES = "YES"  # → BACKLOG, must be tagged
    NO = "NO"  # → NOT_NOW, kept, not deleted
    MAYBE = "MAYBE"  # → DISCOVERY, a learning activity


TRIAGE_STATUS = {
    TriageDecision.YES: ItemStatus.BACKLOG,
    TriageDecision.NO: ItemStatus.NOT_NOW,
    TriageDecision.MAYBE: ItemStatus.DISCOVERY,
}


@dataclass(frozen=True)
class Tag:
    objective_id: UUID
    key_result_id: UUID | None
    tier: Tier


class BacklogItem(Aggregate):
    Snapshot = StateSnapshot  # its state holds value objects, enums and UUID-keyed dicts
    # Set by an import (ImportRecorded); class defaults for items created otherwise and for
    # snapshots taken before imports existed.
    external_key = ""
    labels: tuple[str, ...] = ()
    # Set by Created (version 2) and TeamAssigned; the class default serves snapshots taken
    # before teams existed.
    team = ""
    # cycle → the last triage decision recorded for it (Triaged). The class default serves items
    # never triaged since Triaged existed: a triage stored as a StatusChanged alone names no cycle.
    triages = cast(Mapping[str, str], MappingProxyType({}))  # not a field: no annotation
    theme_id: UUID | None = None  # set by ThemeSet (domain.themes); as `team`

    class Created(Aggregate.Created):
        """Version 2 carries the item's team; version 1 (stored before items had teams, and
        before an item created in a team stored one Created instead of Created + TeamAssigned)
        is read as an item in no team's backlog."""

        class_version = 2
        workspace: str
        title: str
        description: str
        kind: str
        actor: str
        team: str = ""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["team"] = ""

    @event(Created)
    def __init__(
        self, workspace: str, title: str, description: str, kind: str, actor: str, team: str = ""
    ) -> None:
        if team:  # else the class default: the state of a teamless item is as it always was
            self.team = team
        self.workspace = workspace
        self.title = title
        self.description = description
        self.kind = ItemKind(kind)
        self.status = ItemStatus.CANDIDATE
        self.rice: RiceInputs | None = None
        self.wsjf: WsjfInputs | None = None
        self.tags: dict[UUID, Tag] = {}
        self.justification = ""

    @classmethod
    def validated_fields(
        cls, title: str, description: str | None, kind: str
    ) -> tuple[str, str, str]:
        title = require_text("title", title, TITLE_MAX)
        description = optional_text("description", description, DESCRIPTION_MAX)
        try:
            kind = ItemKind(kind).value
        except ValueError:
            raise ValidationError("kind", f"unknown kind {kind!r}") from None
        return title, description, kind

    def update(
        self,
        title: str | None,
        description: str | None,
        kind: str | None,
        actor: str,
        team: str | None = None,
    ) -> None:
        new = self.validated_fields(
            self.title if title is None else title,
            self.description if description is None else description,
            self.kind.value if kind is None else kind,
        )
        new_team = self.team if team is None else team_name(team)
        fields_change = new != (self.title, self.description, self.kind.value)
        if not fields_change and new_team == self.team:
            raise ValidationError("input", "nothing to change")
        if fields_change:
            self._updated(title=new[0], description=new[1], kind=new[2], actor=actor)
        if new_team != self.team:
            self._team_assigned(team=new_team, actor=actor)

    def assign_team(self, team: str, actor: str) -> None:
        """Move the item to this team's backlog ('' for none)."""
        self._team_assigned(team=team_name(team), actor=actor)

    @event("TeamAssigned")
    def _team_assigned(self, team: str, actor: str) -> None:
        self.team = team

    @event("ThemeSet")
    def set_theme(self, theme_id: UUID | None, actor: str) -> None:
        self.theme_id = theme_id  # the rules are domain.themes.handlers'

    @event("Updated")
    def _updated(self, title: str, description: str, kind: str, actor: str) -> None:
        self.title, self.description, self.kind = title, description, ItemKind(kind)

    def record_import(self, external_key: str, labels: tuple[str, ...], actor: str) -> None:
        """The tracker's key and labels of an imported item (domain.backlog_import)."""
        self._import_recorded(external_key=external_key, labels=list(labels), actor=actor)

    @event("ImportRecorded")
    def _import_recorded(self, external_key: str, labels: list[str], actor: str) -> None:
        self.external_key, self.labels = external_key, tuple(labels)

    def score(self, rice: RiceInputs | None, wsjf: WsjfInputs | None, actor: str) -> None:
        if rice is None and wsjf is None:
            raise ValidationError("input", "give RICE inputs, WSJF inputs or both")
        if rice is not None:
            r = validate_rice(rice)
            finite_result("rice", rice_score(r))
            self._rice_scored(
                reach=r.reach,
                impact=r.impact,
                confidence=r.confidence,
                effort=r.effort,
                actor=actor,
            )
        if wsjf is not None:
            w = validate_wsjf(wsjf)
            finite_result("wsjf", wsjf_score(w))
            self._wsjf_scored(
                business_value=w.business_value,
                time_criticality=w.time_criticality,
                risk_reduction=w.risk_reduction,
                job_size=w.job_size,
                actor=actor,
            )

    @event("RiceScored")
    def _rice_scored(
        self, reach: float, impact: float, confidence: float, effort: float, actor: str
    ) -> None:
        self.rice = RiceInputs(reach, impact, confidence, effort)

    @event("WsjfScored")
    def _wsjf_scored(
        self,
        business_value: int,
        time_criticality: int,
        risk_reduction: int,
        job_size: int,
        actor: str,
    ) -> None:
        self.wsjf = WsjfInputs(business_value, time_criticality, risk_reduction, job_size)

    # --- OKR tags: each change carries actor and reason; the event time is the aggregate's ---

    def tag(
        self, objective_id: UUID, key_result_id: UUID | None, tier: Tier, reason: str, actor: str
    ) -> None:
        if tier == Tier.UNTAGGED:
            raise ValidationError("tier", "a tag's tier is DIRECT or INDIRECT")
        if objective_id in self.tags:
            raise ConflictError(
                "item is already tagged to this objective; use retagBacklogItem to change it",
                current_version=self.version,
            )
        self._tagged(
            objective_id=objective_id,
            key_result_id=key_result_id,
            tier=tier.value,
            reason=require_reason(reason),
            actor=actor,
        )

    @event("Tagged")
    def _tagged(
        self, objective_id: UUID, key_result_id: UUID | None, tier: str, reason: str, actor: str
    ) -> None:
        self.tags[objective_id] = Tag(objective_id, key_result_id, Tier(tier))

    def _tag_of(self, objective_id: UUID) -> Tag:
        current = self.tags.get(objective_id)
        if current is None:
            raise ValidationError("objectiveId", "item is not tagged to this objective")
        return current

    def retag(
        self, objective_id: UUID, key_result_id: UUID | None, tier: Tier, reason: str, actor: str
    ) -> None:
        current = self._tag_of(objective_id)
        if tier == Tier.UNTAGGED:
            raise ValidationError("tier", "a tag's tier is DIRECT or INDIRECT; untag instead")
        if (current.tier, current.key_result_id) == (tier, key_result_id):
            raise ValidationError("tier", "the tag already has this tier and key result")
        self._retagged(
            objective_id=objective_id,
            key_result_id=key_result_id,
            tier=tier.value,
            previous_tier=current.tier.value,
            previous_key_result_id=current.key_result_id,
            reason=require_reason(reason),
            actor=actor,
        )

    @event("Retagged")
    def _retagged(
        self,
        objective_id: UUID,
        key_result_id: UUID | None,
        tier: str,
        previous_tier: str,
        previous_key_result_id: UUID | None,
        reason: str,
        actor: str,
    ) -> None:
        self.tags[objective_id] = Tag(objective_id, key_result_id, Tier(tier))

    def untag(self, objective_id: UUID, reason: str, actor: str) -> None:
        current = self._tag_of(objective_id)
        self._untagged(
            objective_id=objective_id,
            previous_tier=current.tier.value,
            previous_key_result_id=current.key_result_id,
            reason=require_reason(reason),
            actor=actor,
        )

    @event("Untagged")
    def _untagged(
        self,
        objective_id: UUID,
        previous_tier: str,
        previous_key_result_id: UUID | None,
        reason: str,
        actor: str,
    ) -> None:
        del self.tags[objective_id]

    def justify_non_strategic(self, justification: str, actor: str) -> None:
        """Record why an untagged item is necessary anyway; an empty text withdraws it."""
        text = optional_text("justification", justification, REASON_MAX)
        if text and self.tags:
            raise ValidationError(
                "justification",
                "item is tagged to an objective; a justification is for untagged items",
            )
        if text == self.justification:
            raise ValidationError("justification", "the item already carries this justification")
        self._justified(justification=text, actor=actor)

    @event("JustifiedNonStrategic")
    def _justified(self, justification: str, actor: str) -> None:
        self.justification = justification

    def triage(
        self, decision: TriageDecision, reason: str, actor: str, cycle: str | None = None
    ) -> None:
        """The OKR filter's answer for `cycle` (default: the current quarter, UTC): the status
        it implies (StatusChanged, when it differs) and the triage itself (Triaged), so a
        re-triage in a new cycle is recorded even when the status stays."""
        if decision == TriageDecision.YES and not self.tags:
            raise ValidationError(
                "decision", "tag the item to the key result it helps before triaging it YES"
            )
        cycle = current_quarter() if cycle is None else validate_cycle(cycle)
        status = TRIAGE_STATUS[decision]
        if status == self.status and self.triages.get(cycle) == decision.value:
            raise ValidationError(
                "decision", f"the item is already triaged {decision.value} for {cycle}"
            )
        reason = optional_text("reason", reason, REASON_MAX)
        if status != self.status:
            self.change_status(status, reason, actor)
        self._triaged(cycle=cycle, decision=decision.value, reason=reason, actor=actor)

    @event("Triaged")
    def _triaged(self, cycle: str, decision: str, reason: str, actor: str) -> None:
        self.triages = {**self.triages, cycle: decision}

    def change_status(self, status: ItemStatus, reason: str, actor: str) -> None:
        if status == self.status:
            raise ValidationError("status", f"item is already {status.value}")
        self._status_changed(
            status=status.value,
            previous_status=self.status.value,
            reason=optional_text("reason", reason, REASON_MAX),
            actor=actor,
        )

    @event("StatusChanged")
    def _status_changed(self, status: str, previous_status: str, reason: str, actor: str) -> None:
        self.status = ItemStatus(status)
