"""Workloads written straight through the application (in the test process) for projections."""

from __future__ import annotations

import contextlib
import random
from datetime import date
from typing import Any
from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import ItemStatus, TriageDecision
from okrank.domain.errors import DomainError
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.domain.sprints.zombies import ZombieThresholds
from tests.support.strategy_workload import strategy_workload


def workload(app: OkrankApplication, actor: Actor, n: int, offset: int = 0) -> None:
    objectives = []
    for k in range(2):
        o = app.create_objective(actor, "2026-Q3", f"objective {offset + k}").aggregate_id
        app.add_key_result(actor, o, "metric", 0, 10)
        app.activate_objective(actor, o)
        key_result = app.repository.get(o).key_results[0].id
        app.check_in_key_result(actor, o, key_result, 4 + k, 0.6, note=f"week {offset}")
        objectives.append(o)
    app.set_check_in_interval(actor, 10 + offset % 7)
    still_tagged: list[UUID] = []
    of_closed: list[UUID] = []  # tagged to the objective closed at the end: ineligible then
    for k in range(n):
        i = app.create_backlog_item(actor, f"item {offset + k}").aggregate_id
        if k % 5 != 0:
            (still_tagged if k % 2 == 1 else of_closed).append(i)
        app.score_backlog_item(actor, i, RiceInputs(k + 1, 1, 0.5, 2), WsjfInputs(1, 2, 3, 5))
        app.tag_backlog_item(actor, i, objectives[k % 2], Tier.DIRECT, "r")
        if k % 3 == 0:
            app.retag_backlog_item(actor, i, objectives[k % 2], Tier.INDIRECT, "weaker")
        if k % 5 == 0:
            app.untag_backlog_item(actor, i, objectives[k % 2], "moved")
            app.justify_non_strategic(actor, i, "compliance")
        if k % 4 == 1:  # triaged for the cycle, then again for the next (status unchanged)
            app.triage_backlog_item(actor, i, TriageDecision.MAYBE, "learn first", "2026-Q3")
            if k % 8 == 1:
                app.triage_backlog_item(actor, i, TriageDecision.MAYBE, "still", "2026-Q4")
    if len(still_tagged) >= 4:
        maxdiff_exercise(app, actor, objectives[1], still_tagged)
    strategy_workload(app, actor, objectives, still_tagged, offset)
    app.close_objective(actor, objectives[0])
    if len(still_tagged) >= 2 and of_closed:
        sprint_run(app, actor, objectives[1], [*still_tagged[:2], of_closed[0]], f"team {offset}")


def maxdiff_exercise(app: OkrankApplication, actor: Actor, objective: UUID, items: list) -> None:
    """A MaxDiff exercise with ballots from two segments, re-scoped while open, then closed."""
    ex = app.create_exercise(actor, objective, "MAXDIFF", "what first").aggregate_id
    for i in items[:-1]:
        app.add_exercise_candidate(actor, ex, i)
    for subject, segment in (("p1", "Sales"), ("p2", "Support"), ("p3", "Sales")):
        app.invite_participant(actor, ex, subject, segment)
    app.open_exercise(actor, ex)
    app.add_exercise_candidate(actor, ex, items[-1], reason="late insight")
    exercise = app.repository.get(ex)
    for subject in exercise.designs:
        sets = exercise.sets_of(subject)
        answers = [MaxDiffAnswer(n, s[0], s[-1]) for n, s in enumerate(sets)]
        app.submit_ballot(Actor(actor.workspace, subject), ex, BallotInput(answers=answers))
    app.withdraw_exercise_candidate(actor, ex, items[0], "out of scope after all")
    app.close_exercise(actor, ex)


def sprint_run(
    app: OkrankApplication, actor: Actor, objective: UUID, items: list[UUID], team: str
) -> None:
    """A sprint with two eligible items and an ineligible one (overridden), one unplanned, run
    to its close (one done, one carried over); the workspace's zombie thresholds set."""
    key_result = app.repository.get(objective).key_results[0].id
    s = app.create_sprint(
        actor, team, "2026-Q3", date(2026, 7, 1), date(2026, 7, 14), "step", objective, key_result
    ).aggregate_id
    app.plan_sprint_item(actor, s, items[0])
    app.plan_sprint_item(actor, s, items[1])
    app.plan_sprint_item(actor, s, items[2], "legal deadline", may_override=True)
    app.unplan_sprint_item(actor, s, items[1], "too big")
    app.start_sprint(actor, s)
    app.change_backlog_item_status(actor, items[0], ItemStatus.DONE)
    app.close_sprint(actor, s)
    app.set_zombie_thresholds(actor, ZombieThresholds(2, 1), "short sprints")


def random_workload(app: OkrankApplication, actor: Actor, rng: random.Random) -> None:
    objectives = []
    for k in range(3):
        o = app.create_objective(actor, "2026-Q3", f"o{k}").aggregate_id
        app.add_key_result(actor, o, "m", 0, 1)
        objectives.append(o)
    app.activate_objective(actor, objectives[0])
    items: list[Any] = []
    for step in range(150):
        if step == 75:  # the rare whole-workspace causes, at least once
            app.recalibrate_multipliers(actor, Multipliers(3, 1, 0.25), "sharper")
            with contextlib.suppress(DomainError):
                app.activate_objective(actor, objectives[1])
        roll = rng.random()
        if roll < 0.2 or len(items) < 3:
            items.append(app.create_backlog_item(actor, f"i{step}").aggregate_id)
            continue
        item = rng.choice(items)
        o = rng.choice(objectives)
        try:
            if roll < 0.5:
                app.score_backlog_item(
                    actor,
                    item,
                    RiceInputs(rng.randint(0, 50), 1, 1, 1),
                    WsjfInputs(rng.choice([1, 2, 3]), 1, 1, 2),
                )
            elif roll < 0.7:
                app.tag_backlog_item(actor, item, o, rng.choice([Tier.DIRECT, Tier.INDIRECT]), "r")
            elif roll < 0.8:
                app.untag_backlog_item(actor, item, o, "r")
            elif roll < 0.85:
                app.change_backlog_item_status(actor, item, ItemStatus.ARCHIVED)
            elif roll < 0.9:
                app.change_backlog_item_status(actor, item, ItemStatus.BACKLOG)
            elif roll < 0.93:
                app.activate_objective(actor, o)
            elif roll < 0.95:
                app.close_objective(actor, o)
            elif roll < 0.97:
                app.recalibrate_multipliers(
                    actor, Multipliers(rng.choice([2, 3]), 1, rng.choice([0.5, 0.25])), "r"
                )
            else:
                app.justify_non_strategic(actor, item, rng.choice(["", "needed"]))
        except DomainError:  # refused commands (duplicate tag, closed objective…) change nothing
            pass
    strategy_workload(app, actor, objectives, items[:6], 0)
