"""How each objective command loads, changes and saves."""

from __future__ import annotations

from uuid import UUID, uuid4

from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer
from okrank.domain.errors import ValidationError
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CheckInKeyResult,
    CloseObjective,
    CreateObjective,
)
from okrank.domain.okrs.objective import (
    Objective,
    ObjectiveLevel,
    ObjectiveStatus,
    optional_text,
    require_text,
    validate_cycle,
)
from okrank.domain.text import team_name


def open_objective(store: Aggregates, ident: UUID, actor: Actor) -> Objective:
    """The objective, if tags may still be made to it (DRAFT or ACTIVE)."""
    objective = store.load(Objective, ident, actor, "Objective")
    if not objective.is_open:
        raise ValidationError(
            "objectiveId", f"objective is {objective.status.value}; tags need an open objective"
        )
    return objective


def create_objective(store: Aggregates, actor: Actor, command: CreateObjective) -> CommandResult:
    cycle = validate_cycle(command.cycle)
    title = require_text("title", command.title, 200)
    description = optional_text("description", command.description, 10_000)
    team = team_name(command.team)
    try:
        level = ObjectiveLevel(command.level).value
    except ValueError:
        raise ValidationError("level", f"unknown level {command.level!r}") from None
    if command.parent_id is not None:
        parent = store.load(Objective, command.parent_id, actor, "Objective")
        if parent.status == ObjectiveStatus.ARCHIVED:
            raise ValidationError("parentId", "cannot align to an archived objective")
    objective = Objective(
        workspace=actor.workspace,
        cycle=cycle,
        title=title,
        description=description,
        level=level,
        team=team,
        parent_id=command.parent_id,
        actor=actor.subject,
    )
    return store.save_new(objective)


_changed = changer(Objective, lambda command: command.objective_id)


def add_key_result(store: Aggregates, actor: Actor, command: AddKeyResult) -> CommandResult:
    key_result_id, c = uuid4(), command
    return _changed(
        store,
        actor,
        c,
        lambda o: o.add_key_result(
            key_result_id,
            c.metric,
            c.unit or "",
            c.baseline,
            c.target,
            c.output_style,
            actor.subject,
        ),
    )


def activate_objective(
    store: Aggregates, actor: Actor, command: ActivateObjective
) -> CommandResult:
    return _changed(store, actor, command, lambda o: o.activate(actor.subject))


def close_objective(store: Aggregates, actor: Actor, command: CloseObjective) -> CommandResult:
    return _changed(store, actor, command, lambda o: o.close(actor.subject))


def check_in_key_result(
    store: Aggregates, actor: Actor, command: CheckInKeyResult
) -> CommandResult:
    c = command
    return _changed(
        store,
        actor,
        c,
        lambda o: o.check_in(c.key_result_id, c.value, c.confidence, c.note, actor.subject),
    )


HANDLERS: Handlers = {
    CreateObjective: create_objective,
    AddKeyResult: add_key_result,
    ActivateObjective: activate_objective,
    CloseObjective: close_objective,
    CheckInKeyResult: check_in_key_result,
}
