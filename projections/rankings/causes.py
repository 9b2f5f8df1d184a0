"""Why a ranking changed: the one list of causes, and which domain event is which cause.

The outbox stores a cause's value; the GraphQL enum `RankingChangeCause` and the webhook
payload show the same values (okrank.api.subscriptions.ranking_changed maps this enum once).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.exercises.exercise import Exercise
from okrank.domain.okrs.objective import Objective
from okrank.domain.workspaces.workspace import Workspace
from okrank.projections.rankings.ranking_changes import Cause


class RankingChangeCause(Enum):
    ITEM_CREATED = "ITEM_CREATED"
    SCORED = "SCORED"
    TAGGED = "TAGGED"
    RETAGGED = "RETAGGED"
    UNTAGGED = "UNTAGGED"
    JUSTIFIED = "JUSTIFIED"
    STATUS_CHANGED = "STATUS_CHANGED"
    OBJECTIVE_ACTIVATED = "OBJECTIVE_ACTIVATED"
    OBJECTIVE_CLOSED = "OBJECTIVE_CLOSED"
    MULTIPLIERS_RECALIBRATED = "MULTIPLIERS_RECALIBRATED"
    EXERCISE_CLOSED = "EXERCISE_CLOSED"  # new results
    EXERCISE_REOPENED = "EXERCISE_REOPENED"  # results withdrawn by a reopening
    RESPONDENT_EXCLUDED = "RESPONDENT_EXCLUDED"  # results recomputed without one
    RESPONDENT_REINSTATED = "RESPONDENT_REINSTATED"  # results recomputed with one again


CAUSE_OF_EVENT: dict[type, RankingChangeCause] = {
    Workspace.MultipliersRecalibrated: RankingChangeCause.MULTIPLIERS_RECALIBRATED,
    Objective.Activated: RankingChangeCause.OBJECTIVE_ACTIVATED,
    Objective.Closed: RankingChangeCause.OBJECTIVE_CLOSED,
    BacklogItem.Created: RankingChangeCause.ITEM_CREATED,
    BacklogItem.RiceScored: RankingChangeCause.SCORED,
    BacklogItem.WsjfScored: RankingChangeCause.SCORED,
    BacklogItem.Tagged: RankingChangeCause.TAGGED,
    BacklogItem.Retagged: RankingChangeCause.RETAGGED,
    BacklogItem.Untagged: RankingChangeCause.UNTAGGED,
    BacklogItem.JustifiedNonStrategic: RankingChangeCause.JUSTIFIED,
    BacklogItem.StatusChanged: RankingChangeCause.STATUS_CHANGED,
    Exercise.Closed: RankingChangeCause.EXERCISE_CLOSED,
    Exercise.Reopened: RankingChangeCause.EXERCISE_REOPENED,
    Exercise.RespondentExcluded: RankingChangeCause.RESPONDENT_EXCLUDED,
    Exercise.RespondentReinstated: RankingChangeCause.RESPONDENT_REINSTATED,
}


def cause_of(event: Any, position: int) -> Cause:
    """The cause of the recompute that `event` (at `position` in the log) triggers."""
    return Cause(position, CAUSE_OF_EVENT[type(event)].value, event.actor, event.timestamp)
