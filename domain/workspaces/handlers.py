"""How each workspace command loads, changes and saves."""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.persistence import IntegrityError

from okrank.domain.commands import Actor, Aggregates, ChangeCommand, CommandResult, Handlers
from okrank.domain.errors import ConflictError
from okrank.domain.text import require_text
from okrank.domain.workspaces.commands import RecalibrateMultipliers, SetZombieThresholds
from okrank.domain.workspaces.workspace import Workspace, workspace_id


def change_workspace(
    store: Aggregates, actor: Actor, command: ChangeCommand, mutate: Callable[[Workspace], None]
) -> CommandResult:
    """Change the actor's workspace; its aggregate is made by the first change
    (`expected_version` 0 names that state)."""
    expected_version = command.expected_version
    ident = workspace_id(actor.workspace)
    if store.find(ident) is None:
        if expected_version is not None and expected_version != 0:
            raise ConflictError("workspace has no settings yet", current_version=0)
        workspace = Workspace(name=actor.workspace, actor=actor.subject)
        mutate(workspace)
        try:
            return store.save_new(workspace)
        except IntegrityError:
            pass  # created concurrently: fall through to the ordinary change
    return store.change(Workspace, ident, actor, "Workspace", expected_version, mutate)


def recalibrate_multipliers(
    store: Aggregates, actor: Actor, command: RecalibrateMultipliers
) -> CommandResult:
    reason = require_text("reason", command.reason, 2_000)
    return change_workspace(
        store, actor, command, lambda w: w.recalibrate(command.multipliers, reason, actor.subject)
    )


def set_zombie_thresholds(
    store: Aggregates, actor: Actor, command: SetZombieThresholds
) -> CommandResult:
    reason = require_text("reason", command.reason, 2_000)
    return change_workspace(
        store,
        actor,
        command,
        lambda w: w.set_zombie_thresholds(command.thresholds, reason, actor.subject),
    )


HANDLERS: Handlers = {
    RecalibrateMultipliers: recalibrate_multipliers,
    SetZombieThresholds: set_zombie_thresholds,
}
