"""Themes, health metrics and mission briefings written through the application, for the
projection tests (a part of tests.support.workloads.workload)."""

from __future__ import annotations

from uuid import UUID

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.briefings.briefing import BriefingContent
from okrank.domain.health.commands import MetricThresholds
from okrank.domain.health.traffic_light import Direction, TrafficLight
from okrank.domain.themes.theme import Horizon


def strategy_workload(
    app: OkrankApplication, actor: Actor, objectives: list[UUID], items: list[UUID], offset: int
) -> None:
    now = app.create_theme(actor, f"growth {offset}", Horizon.NOW).aggregate_id
    later = app.create_theme(actor, f"enterprise {offset}", Horizon.NEXT).aggregate_id
    app.move_theme(actor, later, Horizon.LATER, "growth first")
    app.rename_theme(actor, now, f"user growth {offset}", description="self-serve")
    app.set_objective_theme(actor, objectives[0], now)
    app.mark_discovery_objective(actor, objectives[1], later)
    for n, item in enumerate(items):
        app.set_backlog_item_theme(actor, item, now if n % 2 else later)
    if items:
        app.set_backlog_item_theme(actor, items[0], None)
    thresholds = MetricThresholds(Direction.LOWER_IS_BETTER, green=200, amber=500)
    metric = app.create_health_metric(actor, f"p95 {offset}", thresholds=thresholds).aggregate_id
    for value in (150, 320, 600):
        app.record_health_metric(actor, metric, value=value)
    app.record_health_metric(actor, metric, status=TrafficLight.AMBER, note="spike explained")
    content = BriefingContent("ctx", "higher", "mine", ("task",), ("no scope creep",), (metric,))
    app.edit_mission_briefing(actor, "Objective", objectives[0], content)
    app.edit_mission_briefing(
        actor, "Objective", objectives[0], BriefingContent("ctx 2", "higher", "mine", (), (), ())
    )
