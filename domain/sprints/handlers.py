"""How each sprint command loads, changes and saves."""

from __future__ import annotations

from eventsourcing.persistence import IntegrityError

from okrank.domain.backlog.handlers import may_be_planned
from okrank.domain.backlog.item import UNRANKED_STATUSES, BacklogItem, ItemStatus
from okrank.domain.commands import Actor, Aggregates, CommandResult, Handlers, changer, result_of
from okrank.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from okrank.domain.okrs.objective import Objective, validate_cycle
from okrank.domain.okrs.open_in_cycle import require_open_in_cycle
from okrank.domain.sprints.commands import (
    CloseSprint,
    CreateSprint,
    PlanSprintItem,
    StartSprint,
    UnplanSprintItem,
)
from okrank.domain.sprints.sprint import GOAL_MAX, Sprint, sprint_dates
from okrank.domain.sprints.team_calendar import TeamCalendar, team_calendar_id
from okrank.domain.text import REASON_MAX, optional_text, require_text, team_name

CREATE_RETRIES = 8
# Who may override is decided by the caller (the API's role table refuses first); the roles
# here only name them in the refusal a caller without that decision gets.
OVERRIDERS = ("ADMIN", "PRODUCT_OWNER")


def create_sprint(store: Aggregates, actor: Actor, command: CreateSprint) -> CommandResult:
    c = command
    team = team_name(c.team)
    if not team:
        raise ValidationError("team", "a sprint belongs to a team")
    cycle = validate_cycle(c.cycle)
    start, end = sprint_dates(c.start_date, c.end_date)
    goal = require_text("goal", c.goal, GOAL_MAX)
    objective = store.load(Objective, c.goal_objective_id, actor, "Objective")
    if objective.key_result(c.goal_key_result_id) is None:
        raise ValidationError("goalKeyResultId", "the key result is not its objective's")
    require_open_in_cycle(objective, cycle, "goalKeyResultId", "the key result's objective")
    for _ in range(CREATE_RETRIES):
        calendar = store.find(team_calendar_id(actor.workspace, team))
        if not isinstance(calendar, TeamCalendar):
            calendar = TeamCalendar(workspace=actor.workspace, team=team)
        sprint = Sprint(
            workspace=actor.workspace,
            team=team,
            cycle=cycle,
            start_date=start,
            end_date=end,
            goal=goal,
            goal_objective_id=objective.id,
            goal_key_result_id=c.goal_key_result_id,
            actor=actor.subject,
        )
        calendar.schedule(sprint.id, start, end)  # refuses an overlap
        try:
            recordings = store.save_together(calendar, sprint)
        except IntegrityError:
            continue  # another sprint of the team was scheduled meanwhile: check again
        return result_of(sprint, recordings)
    raise ConflictError("the team's sprints kept changing concurrently; try again")


_changed = changer(Sprint, lambda command: command.sprint_id)


def plan_sprint_item(store: Aggregates, actor: Actor, command: PlanSprintItem) -> CommandResult:
    c = command
    store.load(Sprint, c.sprint_id, actor, "Sprint")  # a missing sprint before the item's rule
    item = store.load(BacklogItem, c.item_id, actor, "BacklogItem")
    if item.status in UNRANKED_STATUSES:
        raise ValidationError("backlogItemId", f"the item is {item.status.value}, not open")
    override = ""
    if c.override_reason is not None:
        if not c.may_override:
            raise PermissionDeniedError(
                "only an ADMIN or PRODUCT_OWNER may plan an ineligible item", OVERRIDERS
            )
        override = require_text("overrideReason", c.override_reason, REASON_MAX)
    eligible = may_be_planned(store, actor, item)
    if eligible and override:
        raise ValidationError("overrideReason", "the item is eligible; plan it without overriding")
    if not eligible and not override:
        raise ValidationError(
            "backlogItemId",
            "eligibility rule: only items tagged to an active objective or justified as "
            "necessary but non-strategic can be planned (an ADMIN or PRODUCT_OWNER may "
            "override with a reason)",
        )
    return _changed(store, actor, c, lambda s: s.plan(c.item_id, override, actor.subject))


def unplan_sprint_item(store: Aggregates, actor: Actor, command: UnplanSprintItem) -> CommandResult:
    c = command
    reason = optional_text("reason", c.reason, REASON_MAX)
    return _changed(store, actor, c, lambda s: s.unplan(c.item_id, reason, actor.subject))


def start_sprint(store: Aggregates, actor: Actor, command: StartSprint) -> CommandResult:
    return _changed(store, actor, command, lambda s: s.start(actor.subject))


def close_sprint(store: Aggregates, actor: Actor, command: CloseSprint) -> CommandResult:
    def close(sprint: Sprint) -> None:
        done = [
            i
            for i in sprint.items
            if store.load(BacklogItem, i, actor, "BacklogItem").status == ItemStatus.DONE
        ]
        carried_over = [i for i in sprint.items if i not in done]
        sprint.close(done, carried_over, actor.subject)

    return _changed(store, actor, command, close)


HANDLERS: Handlers = {
    CreateSprint: create_sprint,
    PlanSprintItem: plan_sprint_item,
    UnplanSprintItem: unplan_sprint_item,
    StartSprint: start_sprint,
    CloseSprint: close_sprint,
}
