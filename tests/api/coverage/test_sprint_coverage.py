"""sprintCoverage(team, cycle) through the real endpoint: each of the team's sprints of the
cycle, by start date, with the coverage of the items planned into it (done ones included).
Sprints are written through the application into the server's event store (the sprint
mutations are another change's), then read over GraphQL once projected."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from okrank.api.graphql.ids import uuid_of
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.projections.engine.runner import event_store_env
from tests.support.builders import OBJECTIVE, item, tag
from tests.support.read_models import wait_caught_up

SHARE = "items itemShare effort effortShare"
SPRINTS = f"""query($team: String!, $cycle: String!) {{ sprintCoverage(team: $team, cycle: $cycle)
  {{ startDate endDate goal coverage {{ items effort direct {{ {SHARE} }} indirect {{ {SHARE} }}
     justified {{ {SHARE} }} unjustified {{ {SHARE} }} }} }} }}"""


def share(items: int, of: int, effort: float, of_effort: float) -> dict[str, Any]:
    return {
        "items": items,
        "itemShare": pytest.approx(items / of if of else 0),
        "effort": pytest.approx(effort),
        "effortShare": pytest.approx(effort / of_effort if of_effort else 0),
    }


def test_each_sprint_of_the_teams_cycle_has_the_coverage_of_its_planned_items(gql, database_url):
    o = gql.mutate(
        "createObjective", {"cycle": "2026-Q3", "title": "A", "team": "Growth"}, OBJECTIVE
    )
    a = o["objective"]["id"]
    gql.mutate("addKeyResult", {"objectiveId": a, "metric": "m", "baseline": 0, "target": 1}, "")
    gql.mutate("activateObjective", {"objectiveId": a}, "")
    s1 = item(gql, "rice 3, DIRECT", rice=(1, 1, 1, 3), team="Growth")["id"]
    s2 = item(gql, "wsjf 5, justified", wsjf=(1, 1, 1, 5), team="Growth")["id"]
    s3 = item(gql, "rice 2, unjustified", rice=(1, 1, 1, 2), team="Growth")["id"]
    s4 = item(gql, "rice 4, INDIRECT", rice=(1, 1, 1, 4), team="Growth")["id"]
    s5 = item(gql, "no estimate, DIRECT", team="Growth")["id"]
    for i, tier in ((s1, "DIRECT"), (s4, "INDIRECT"), (s5, "DIRECT")):
        tag(gql, i, a, tier)
    gql.mutate("justifyNonStrategic", {"backlogItemId": s2, "justification": "legal"}, "")

    def uid(global_id: str, type_name: str = "BacklogItem") -> Any:
        return uuid_of(global_id, type_name)

    actor = Actor(gql.workspace, "po")
    app = OkrankApplication(env=event_store_env(database_url))
    try:
        objective = app.repository.get(uid(a, "Objective"))
        kr = objective.key_results[0].id

        def sprint(team: str, start: date, end: date, goal: str, cycle: str = "2026-Q3") -> Any:
            return app.create_sprint(
                actor, team, cycle, start, end, goal, objective.id, kr
            ).aggregate_id

        first = sprint("Growth", date(2026, 7, 1), date(2026, 7, 14), "first step")
        for i in (s1, s2):
            app.plan_sprint_item(actor, first, uid(i))
        app.plan_sprint_item(actor, first, uid(s3), "legal deadline", may_override=True)
        app.start_sprint(actor, first)
        app.change_backlog_item_status(actor, uid(s1), ItemStatus.DONE)
        app.close_sprint(actor, first)
        second = sprint("Growth", date(2026, 7, 15), date(2026, 7, 28), "second step")
        for i in (s4, s5):
            app.plan_sprint_item(actor, second, uid(i))
        sprint("Platform", date(2026, 7, 1), date(2026, 7, 14), "another team's")
    finally:
        app.close()
    wait_caught_up(database_url)

    series = gql.execute(SPRINTS, {"team": "Growth", "cycle": "2026-Q3"})["sprintCoverage"]
    assert [(s["startDate"], s["endDate"], s["goal"]) for s in series] == [
        ("2026-07-01", "2026-07-14", "first step"),
        ("2026-07-15", "2026-07-28", "second step"),
    ]
    one, two = (s["coverage"] for s in series)
    # First sprint: s1 (done since, still its output), s2, s3: 3 items, effort 3 + 5 + 2.
    assert (one["items"], one["effort"]) == (3, 10)
    assert one["direct"] == share(1, 3, 3, 10)
    assert one["indirect"] == share(0, 3, 0, 10)
    assert one["justified"] == share(1, 3, 5, 10)
    assert one["unjustified"] == share(1, 3, 2, 10)
    # Second: s4 (INDIRECT, 4) and s5 (DIRECT, no estimate).
    assert (two["items"], two["effort"]) == (2, 4)
    assert (two["direct"], two["indirect"]) == (share(1, 2, 0, 4), share(1, 2, 4, 4))
    assert gql.execute(SPRINTS, {"team": "Nobody", "cycle": "2026-Q3"})["sprintCoverage"] == []
    assert gql.execute(SPRINTS, {"team": "Growth", "cycle": "2026-Q4"})["sprintCoverage"] == []
    bad = gql.post(SPRINTS, {"team": "Growth", "cycle": "2026-Q0"}).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
