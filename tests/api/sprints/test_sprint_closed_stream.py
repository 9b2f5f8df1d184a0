"""SPRINT_CLOSED on okrChanged over WebSocket: a live subscriber receives a sprint's close with
its team, cycle, goal and the items done and carried over; a subscriber resuming from a cursor
receives it once, in order after the check-in before it."""

from __future__ import annotations

import asyncio

from okrank.api.graphql.ids import encode_cursor
from tests.support.builders import item, objective, tag
from tests.support.sprints import check_in, done, lifecycle, new_sprint, plan
from tests.support.subscriptions import okr_changes, until_live

OKR_CHANGED = """
subscription($objectiveId: ID, $after: String) {
  okrChanged(objectiveId: $objectiveId, after: $after) {
    cursor kind objectiveId keyResultId sprintId team cycle doneItemIds carriedOverItemIds
    value oldGrade newGrade actor
  }
}
"""


def running_sprint(gql):
    """An ACTIVE sprint of Growth with two items tagged to its goal, the first one done."""
    o = objective(gql, key_results=1)
    kr = o["keyResults"][0]["id"]
    shipped, unfinished = item(gql, "Shipped", team="Growth"), item(gql, "Later", team="Growth")
    for i in (shipped, unfinished):
        tag(gql, i["id"], o["id"], key_result_id=kr)
    s = new_sprint(gql, kr, "2026-07-01", "2026-07-14")["sprint"]
    for i in (shipped, unfinished):
        plan(gql, s["id"], i["id"])
    lifecycle(gql, "startSprint", s["id"])
    done(gql, shipped["id"])
    return o, kr, s, shipped, unfinished


def test_a_live_subscriber_receives_a_sprint_closing_with_its_goal_and_items(server, gql):
    o, kr, s, shipped, unfinished = running_sprint(gql)

    async def scenario() -> list[dict]:
        started = asyncio.Event()
        task = asyncio.create_task(
            okr_changes(server, gql.token, OKR_CHANGED, 1, {"objectiveId": o["id"]}, started)
        )
        await until_live(started, task)
        await asyncio.to_thread(lifecycle, gql, "closeSprint", s["id"])
        return await task

    [closed] = asyncio.run(scenario())
    assert closed | {"cursor": None} == {
        "cursor": None,
        "kind": "SPRINT_CLOSED",
        "objectiveId": o["id"],  # the goal's objective: a subscriber to it receives the close
        "keyResultId": kr,
        "sprintId": s["id"],
        "team": "Growth",
        "cycle": "2026-Q3",
        "doneItemIds": [shipped["id"]],
        "carriedOverItemIds": [unfinished["id"]],
        "value": None,
        "oldGrade": None,
        "newGrade": None,
        "actor": "po",
    }


def test_resuming_from_a_cursor_delivers_the_sprint_closing_once_in_order(server, gql):
    o, kr, s, _, _ = running_sprint(gql)
    check_in(gql, kr, 40, "sprint review")
    lifecycle(gql, "closeSprint", s["id"])
    start = {"objectiveId": o["id"], "after": encode_cursor([0, -1])}
    everything = asyncio.run(okr_changes(server, gql.token, OKR_CHANGED, 3, start))
    assert [c["kind"] for c in everything] == [
        "KEY_RESULT_CHECKED_IN",
        "GRADE_CHANGED",
        "SPRINT_CLOSED",
    ]
    assert [c["sprintId"] for c in everything] == [None, None, s["id"]]
    assert everything[0]["doneItemIds"] is None  # the sprint's fields are the close's alone
    # Resumed after the grade change: the close once, then nothing more until a new change.
    resumed = {"objectiveId": o["id"], "after": everything[1]["cursor"]}
    assert asyncio.run(okr_changes(server, gql.token, OKR_CHANGED, 1, resumed)) == everything[2:]
    check_in(gql, kr, 40, "after the close")  # no grade moves: one change, after the close
    again = asyncio.run(okr_changes(server, gql.token, OKR_CHANGED, 2, resumed))
    assert again[0] == everything[2]
    assert (again[1]["kind"], again[1]["value"]) == ("KEY_RESULT_CHECKED_IN", 40.0)
