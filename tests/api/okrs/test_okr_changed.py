"""okrChanged over WebSocket: a check-in reaches a live subscriber with its grade change, and a
subscriber resuming from a cursor gets each later change once, in order."""

from __future__ import annotations

import asyncio

import pytest

from okrank.api.graphql.ids import encode_cursor
from tests.support.builders import objective
from tests.support.subscriptions import okr_changes, until_live

OKR_CHANGED = """
subscription($objectiveId: ID, $after: String) {
  okrChanged(objectiveId: $objectiveId, after: $after) {
    cursor kind objectiveId keyResultId value confidence oldGrade newGrade actor at
  }
}
"""


def check_in(gql, key_result_id, value):
    data = {"keyResultId": key_result_id, "value": value, "confidence": 0.5}
    assert gql.mutate("checkInKeyResult", data, "")["__typename"] == "CheckInSuccess"


def test_a_check_in_reaches_a_live_subscriber_with_the_objectives_grade_change(server, gql):
    o = objective(gql, key_results=2)  # baseline 0, target 100
    kr = o["keyResults"][0]["id"]

    async def scenario() -> list[dict]:
        started = asyncio.Event()
        task = asyncio.create_task(
            okr_changes(server, gql.token, OKR_CHANGED, 2, {"objectiveId": o["id"]}, started)
        )
        await until_live(started, task)
        await asyncio.to_thread(check_in, gql, kr, 70)
        return await task

    checked, graded = asyncio.run(scenario())
    assert checked | {"cursor": None, "at": None} == {
        "cursor": None,
        "kind": "KEY_RESULT_CHECKED_IN",
        "objectiveId": o["id"],
        "keyResultId": kr,
        "value": 70.0,
        "confidence": 0.5,
        "oldGrade": 0.0,
        "newGrade": 0.7,
        "actor": "po",
        "at": None,
    }
    assert (graded["kind"], graded["keyResultId"], graded["value"]) == ("GRADE_CHANGED", kr, None)
    assert (graded["oldGrade"], graded["newGrade"]) == (0.0, pytest.approx(0.35))
    assert graded["cursor"] != checked["cursor"]


def test_resuming_from_a_cursor_delivers_each_later_change_once_in_order(server, gql):
    o = objective(gql, key_results=1)
    kr = o["keyResults"][0]["id"]
    for value in (10, 10, 30):  # the second moves no grade: a check-in alone
        check_in(gql, kr, value)
    start = {"objectiveId": o["id"], "after": encode_cursor([0, -1])}
    everything = asyncio.run(okr_changes(server, gql.token, OKR_CHANGED, 5, start))
    assert [(c["kind"], c["newGrade"]) for c in everything] == [
        ("KEY_RESULT_CHECKED_IN", 0.1),
        ("GRADE_CHANGED", 0.1),
        ("KEY_RESULT_CHECKED_IN", 0.1),
        ("KEY_RESULT_CHECKED_IN", 0.3),
        ("GRADE_CHANGED", 0.3),
    ]
    after_second = {"objectiveId": o["id"], "after": everything[2]["cursor"]}
    assert (
        asyncio.run(okr_changes(server, gql.token, OKR_CHANGED, 2, after_second)) == everything[3:]
    )
