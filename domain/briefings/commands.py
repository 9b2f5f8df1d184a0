"""The command on mission briefings: edit (the first edit creates the briefing)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okrank.domain.briefings.briefing import BriefingContent
from okrank.domain.commands import ChangeCommand


@dataclass(frozen=True)
class EditMissionBriefing(ChangeCommand):
    """The whole briefing as it is to read now, of an objective or a backlog item (an epic):
    `subject_kind` names which ('Objective' or 'BacklogItem'); `expected_version` is the
    briefing's (0: it has none yet)."""

    subject_kind: str
    subject_id: UUID
    content: BriefingContent
