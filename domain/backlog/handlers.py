"""How each backlog item command loads, changes and saves."""

from __future__ import annotations

from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    ImportBacklogItems,
    JustifyNonStrategic,
    RetagBacklogItem,
    ScoreBacklogItem,
    TagBacklogItem,
    TriageBacklogItem,
    UntagBacklogItem,
    UpdateBacklogItem,
)
from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.domain.backlog.tracker_import import import_backlog_items
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer
from okrank.domain.errors import ValidationError
from okrank.domain.okrs.handlers import open_objective
from okrank.domain.okrs.objective import Objective, ObjectiveStatus
from okrank.domain.rankings.eligibility import is_eligible
from okrank.domain.text import team_name

_changed = changer(BacklogItem, lambda command: command.item_id)


def create_backlog_item(
    store: Aggregates, actor: Actor, command: CreateBacklogItem
) -> CommandResult:
    title, description, kind = BacklogItem.validated_fields(
        command.title, command.description, command.kind
    )
    item = BacklogItem(
        workspace=actor.workspace,
        title=title,
        description=description,
        kind=kind,
        actor=actor.subject,
        team=team_name(command.team),
    )
    return store.save_new(item)


def update_backlog_item(
    store: Aggregates, actor: Actor, command: UpdateBacklogItem
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda i: i.update(c.title, c.description, c.kind, actor.subject, c.team)
    )


def score_backlog_item(store: Aggregates, actor: Actor, command: ScoreBacklogItem) -> CommandResult:
    c = command
    return _changed(store, actor, c, lambda i: i.score(c.rice, c.wsjf, actor.subject))


def tag_backlog_item(store: Aggregates, actor: Actor, command: TagBacklogItem) -> CommandResult:
    """Tag (or, for RetagBacklogItem, retag) an item to an open objective."""
    c = command
    objective = open_objective(store, c.objective_id, actor)
    if c.key_result_id is not None and objective.key_result(c.key_result_id) is None:
        raise ValidationError("keyResultId", "key result does not belong to the objective")
    retag = isinstance(c, RetagBacklogItem)

    def mutate(item: BacklogItem) -> None:
        change = item.retag if retag else item.tag
        change(c.objective_id, c.key_result_id, c.tier, c.reason, actor.subject)

    return _changed(store, actor, c, mutate)


def untag_backlog_item(store: Aggregates, actor: Actor, command: UntagBacklogItem) -> CommandResult:
    # Untagging from a closed objective is allowed: it is how items are re-groomed.
    c = command
    return _changed(store, actor, c, lambda i: i.untag(c.objective_id, c.reason, actor.subject))


def justify_non_strategic(
    store: Aggregates, actor: Actor, command: JustifyNonStrategic
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda i: i.justify_non_strategic(c.justification, actor.subject)
    )


def triage_backlog_item(
    store: Aggregates, actor: Actor, command: TriageBacklogItem
) -> CommandResult:
    c = command
    return _changed(
        store, actor, c, lambda i: i.triage(c.decision, c.reason, actor.subject, c.cycle)
    )


def may_be_planned(store: Aggregates, actor: Actor, item: BacklogItem) -> bool:
    """The eligibility rule (domain.rankings.eligibility) over the item's tagged objectives."""
    active = (
        store.load(Objective, objective_id, actor, "Objective").status == ObjectiveStatus.ACTIVE
        for objective_id in item.tags
    )
    return is_eligible(bool(item.justification), active)


def change_backlog_item_status(
    store: Aggregates, actor: Actor, command: ChangeBacklogItemStatus
) -> CommandResult:
    c = command

    def mutate(item: BacklogItem) -> None:
        if c.status == ItemStatus.PLANNED and not may_be_planned(store, actor, item):
            raise ValidationError(
                "status",
                "only eligible items can be planned: tag it to an active objective or "
                "justify it as necessary but non-strategic",
            )
        item.change_status(c.status, c.reason, actor.subject)

    return _changed(store, actor, c, mutate)


HANDLERS: Handlers = {
    CreateBacklogItem: create_backlog_item,
    UpdateBacklogItem: update_backlog_item,
    ScoreBacklogItem: score_backlog_item,
    TagBacklogItem: tag_backlog_item,
    RetagBacklogItem: tag_backlog_item,
    UntagBacklogItem: untag_backlog_item,
    JustifyNonStrategic: justify_non_strategic,
    TriageBacklogItem: triage_backlog_item,
    ChangeBacklogItemStatus: change_backlog_item_status,
    ImportBacklogItems: import_backlog_items,
}
