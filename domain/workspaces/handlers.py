"""How each workspace command loads, changes and saves."""

from __future__ import annotations

from eventsourcing.persistence import IntegrityError

from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers
from okrank.domain.errors import ConflictError
from okrank.domain.text import require_text
from okrank.domain.workspaces.commands import RecalibrateMultipliers
from okrank.domain.workspaces.workspace import Workspace, workspace_id


def recalibrate_multipliers(
    store: Aggregates, actor: Actor, command: RecalibrateMultipliers
) -> CommandResult:
    reason = require_text("reason", command.reason, 2_000)
    expected_version = command.expected_version
    ident = workspace_id(actor.workspace)
    if store.find(ident) is None:
        if expected_version is not None and expected_version != 0:
            raise ConflictError("workspace has no recalibration yet", current_version=0)
        workspace = Workspace(name=actor.workspace, actor=actor.subject)
        workspace.recalibrate(command.multipliers, reason, actor.subject)
        try:
            return store.save_new(workspace)
        except IntegrityError:
            pass  # created concurrently: fall through to the ordinary change
    return store.change(
        Workspace,
        ident,
        actor,
        "Workspace",
        expected_version,
        lambda w: w.recalibrate(command.multipliers, reason, actor.subject),
    )


HANDLERS: Handlers = {RecalibrateMultipliers: recalibrate_multipliers}
