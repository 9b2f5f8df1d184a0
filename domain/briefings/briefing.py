"""MissionBriefing aggregate: one per objective or backlog item (epic), its id derived from
theirs; the first edit creates it (version 1), each later edit is an event (version n)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okrank.domain.errors import ValidationError
from okrank.domain.text import optional_text

TEXT_MAX = 10_000  # context, higher intent, my intent
ENTRY_MAX = 500  # one implied task or boundary
ENTRIES_MAX = 50  # of each list, and of key failure indicators


def briefing_id(subject_id: UUID) -> UUID:
    """The briefing of an objective or item: found from its subject's id alone."""
    return uuid5(NAMESPACE_URL, f"okrank:mission-briefing:{subject_id}")


@dataclass(frozen=True)
class BriefingContent:
    """What a briefing says (seed okr-scrum-connection.txt: the mission briefing)."""

    context: str
    higher_intent: str
    my_intent: str
    key_implied_tasks: tuple[str, ...]
    boundaries: tuple[str, ...]
    key_failure_indicators: tuple[UUID, ...]  # health metrics that must not move the wrong way

    def validated(self) -> BriefingContent:
        if len(set(self.key_failure_indicators)) != len(self.key_failure_indicators):
            raise ValidationError("keyFailureIndicatorIds", "a health metric is named twice")
        if len(self.key_failure_indicators) > ENTRIES_MAX:
            raise ValidationError("keyFailureIndicatorIds", f"at most {ENTRIES_MAX} metrics")
        return BriefingContent(
            context=optional_text("context", self.context, TEXT_MAX),
            higher_intent=optional_text("higherIntent", self.higher_intent, TEXT_MAX),
            my_intent=optional_text("myIntent", self.my_intent, TEXT_MAX),
            key_implied_tasks=_entries("keyImpliedTasks", self.key_implied_tasks),
            boundaries=_entries("boundaries", self.boundaries),
            key_failure_indicators=tuple(self.key_failure_indicators),
        )


def _entries(path: str, values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > ENTRIES_MAX:
        raise ValidationError(path, f"{path} holds at most {ENTRIES_MAX} entries")
    entries = tuple(optional_text(f"{path}.{n}", v, ENTRY_MAX) for n, v in enumerate(values))
    if any(not e for e in entries):
        raise ValidationError(path, f"{path} entries must not be empty")
    return entries


class MissionBriefing(Aggregate):
    """State is plain values: lists of strings and UUIDs."""

    @staticmethod
    def create_id(workspace: str, subject_id: UUID, subject_kind: str, **_: object) -> UUID:
        return briefing_id(subject_id)

    @event("Created")
    def __init__(
        self,
        workspace: str,
        subject_id: UUID,
        subject_kind: str,
        context: str,
        higher_intent: str,
        my_intent: str,
        key_implied_tasks: list[str],
        boundaries: list[str],
        key_failure_indicators: list[UUID],
        actor: str,
    ) -> None:
        self.workspace = workspace
        self.subject_id = subject_id
        self.subject_kind = subject_kind
        self._set(context, higher_intent, my_intent, key_implied_tasks, boundaries)
        self.key_failure_indicators = list(key_failure_indicators)

    @classmethod
    def first(
        cls, workspace: str, subject_id: UUID, subject_kind: str, c: BriefingContent, actor: str
    ) -> MissionBriefing:
        return cls(
            workspace=workspace,
            subject_id=subject_id,
            subject_kind=subject_kind,
            context=c.context,
            higher_intent=c.higher_intent,
            my_intent=c.my_intent,
            key_implied_tasks=list(c.key_implied_tasks),
            boundaries=list(c.boundaries),
            key_failure_indicators=list(c.key_failure_indicators),
            actor=actor,
        )

    @property
    def content(self) -> BriefingContent:
        return BriefingContent(
            self.context,
            self.higher_intent,
            self.my_intent,
            tuple(self.key_implied_tasks),
            tuple(self.boundaries),
            tuple(self.key_failure_indicators),
        )

    def edit(self, c: BriefingContent, actor: str) -> None:
        if c == self.content:
            raise ValidationError("input", "nothing to change")
        self._edited(
            context=c.context,
            higher_intent=c.higher_intent,
            my_intent=c.my_intent,
            key_implied_tasks=list(c.key_implied_tasks),
            boundaries=list(c.boundaries),
            key_failure_indicators=list(c.key_failure_indicators),
            actor=actor,
        )

    @event("Edited")
    def _edited(
        self,
        context: str,
        higher_intent: str,
        my_intent: str,
        key_implied_tasks: list[str],
        boundaries: list[str],
        key_failure_indicators: list[UUID],
        actor: str,
    ) -> None:
        self._set(context, higher_intent, my_intent, key_implied_tasks, boundaries)
        self.key_failure_indicators = list(key_failure_indicators)

    def _set(
        self, context: str, higher: str, mine: str, tasks: list[str], boundaries: list[str]
    ) -> None:
        self.context, self.higher_intent, self.my_intent = context, higher, mine
        self.key_implied_tasks, self.boundaries = list(tasks), list(boundaries)
