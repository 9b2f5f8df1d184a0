"""How each workspace command loads, changes and saves."""

from __future__ import annotations

from collections.abc import Callable

from eventsourcing.persistence import IntegrityError

from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers
from okrank.domain.errors import ConflictError
from okrank.domain.reviews.calibration import cited_reviews
from okrank.domain.text import require_reason
from okrank.domain.workspaces.commands import (
    RecalibrateMultipliers,
    SetCheckInInterval,
    SetZombieThresholds,
)
from okrank.domain.workspaces.workspace import Workspace, workspace_id


def recalibrate_multipliers(
    store: Aggregates, actor: Actor, command: RecalibrateMultipliers
) -> CommandResult:
    reason = require_reason(command.reason)
    evidence = cited_reviews(store, actor.workspace, command.evidence_review_ids)
    return change_workspace(
        store,
        actor,
        command.expected_version,
        lambda w: w.recalibrate(command.multipliers, reason, actor.subject, evidence),
    )


def set_check_in_interval(
    store: Aggregates, actor: Actor, command: SetCheckInInterval
) -> CommandResult:
    return change_workspace(
        store,
        actor,
        command.expected_version,
        lambda w: w.set_check_in_interval(command.days, actor.subject),
    )


def set_zombie_thresholds(
    store: Aggregates, actor: Actor, command: SetZombieThresholds
) -> CommandResult:
    reason = require_reason(command.reason)
    return change_workspace(
        store,
        actor,
        command.expected_version,
        lambda w: w.set_zombie_thresholds(command.thresholds, reason, actor.subject),
    )


def change_workspace(
    store: Aggregates,
    actor: Actor,
    expected_version: int | None,
    mutate: Callable[[Workspace], None],
) -> CommandResult:
    """Change the actor's workspace; its aggregate is made on the first change
    (`expected_version` 0 names that state)."""
    ident = workspace_id(actor.workspace)
    if store.find(ident) is None:
        if expected_version is not None and expected_version != 0:
            raise ConflictError("workspace has no settings changed yet", current_version=0)
        workspace = Workspace(name=actor.workspace, actor=actor.subject)
        mutate(workspace)
        try:
            return store.save_new(workspace)
        except IntegrityError:
            pass  # created concurrently: fall through to the ordinary change
    return store.change(Workspace, ident, actor, "Workspace", expected_version, mutate)


HANDLERS: Handlers = {
    RecalibrateMultipliers: recalibrate_multipliers,
    SetCheckInInterval: set_check_in_interval,
    SetZombieThresholds: set_zombie_thresholds,
}
