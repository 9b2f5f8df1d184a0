"""How a mission briefing is edited: its subject and its key failure indicators must be of the
actor's workspace; the first edit creates it."""

from __future__ import annotations

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.briefings.briefing import MissionBriefing, briefing_id
from okrank.domain.briefings.commands import EditMissionBriefing
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.health.metric import HealthMetric
from okrank.domain.okrs.objective import Objective

SUBJECTS: dict[str, type[Aggregate]] = {"Objective": Objective, "BacklogItem": BacklogItem}


def edit_mission_briefing(
    store: Aggregates, actor: Actor, command: EditMissionBriefing
) -> CommandResult:
    kind = command.subject_kind
    if kind not in SUBJECTS:
        raise ValidationError("subjectId", "a briefing is of an objective or a backlog item")
    store.load(SUBJECTS[kind], command.subject_id, actor, kind)
    content = command.content.validated()
    for metric_id in content.key_failure_indicators:
        store.load(HealthMetric, metric_id, actor, "HealthMetric")
    ident = briefing_id(command.subject_id)
    expected = command.expected_version
    if store.find(ident) is None:
        if expected not in (None, 0):
            raise ConflictError("the briefing has no version yet", current_version=0)
        first = MissionBriefing.first(
            actor.workspace, command.subject_id, kind, content, actor.subject
        )
        try:
            return store.save_new(first)
        except IntegrityError:  # a first edit elsewhere won: this one edits it, or conflicts
            if expected == 0:
                raise ConflictError("the briefing was created concurrently") from None
    return store.change(
        MissionBriefing,
        ident,
        actor,
        "MissionBriefing",
        expected,
        lambda b: b.edit(content, actor.subject),
    )


HANDLERS: Handlers = {EditMissionBriefing: edit_mission_briefing}
