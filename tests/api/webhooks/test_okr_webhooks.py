"""Webhooks of the OKRS stream: an endpoint follows the OKR changes (check-ins, grade changes) as
the okrChanged subscription gives them, signed and in order, with the same cursor and pause /
resume rules as ranking changes, and the two streams never mix."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import pytest

from okrank.api.graphql.ids import encode_cursor
from okrank.api.webhooks.delivery import create_tables, verify
from tests.support.builders import item, objective, tag
from tests.support.subscriptions import drain, stream_changes
from tests.support.waiting import wait_until
from tests.support.webhooks import WEBHOOK, Receiver

OKR_CHANGED = """
subscription($objectiveId: ID, $after: String) {
  okrChanged(objectiveId: $objectiveId, after: $after) {
    cursor kind objectiveId keyResultId value confidence oldGrade newGrade actor at
  }
}
"""
FROM_THE_START = encode_cursor([0, -1])


def check_in(gql: Any, key_result_id: str, value: float) -> None:
    data = {"keyResultId": key_result_id, "value": value, "confidence": 0.5}
    assert gql.mutate("checkInKeyResult", data, "")["__typename"] == "CheckInSuccess"


def okr_reference(server: Any, gql: Any, objective_id: str, count: int) -> list[dict]:
    """What an okrChanged subscriber replaying the objective from the beginning receives."""
    return asyncio.run(
        stream_changes(
            server,
            gql.token,
            OKR_CHANGED,
            {"objectiveId": objective_id, "after": FROM_THE_START},
            lambda got: len(got) >= count,
            None,
            20,
            0,
            field="okrChanged",
        )
    )


def register(gql: Any, url: str, objective_id: str, stream: str | None = None) -> dict:
    data = {"url": url, "objectiveId": objective_id}
    if stream is not None:
        data["stream"] = stream
    registered = gql.mutate("registerWebhook", data, WEBHOOK)
    assert registered["__typename"] == "WebhookSuccess"
    return registered


def test_an_okrs_endpoint_gets_check_ins_and_grade_changes_signed_in_order_and_no_ranking_change(
    server, gql
):
    okrs, rankings = Receiver(), Receiver()
    try:
        o = objective(gql, key_results=2)  # baseline 0, target 100
        kr = o["keyResults"][0]["id"]
        okr_hook = register(gql, okrs.url, o["id"], "OKRS")
        ranking_hook = register(gql, rankings.url, o["id"])  # no stream: RANKINGS
        check_in(gql, kr, 70)
        first, second = (
            item(gql, "first", rice=(1, 1, 1, 1)),
            item(gql, "second", rice=(2, 1, 1, 1)),
        )
        tag(gql, first["id"], o["id"])  # ranking changes between the two check-ins
        check_in(gql, kr, 90)
        tag(gql, second["id"], o["id"])  # and after the last one

        got = okrs.wait_for(4)
        reference = okr_reference(server, gql, o["id"], 4)
        assert [{k: c[k] for k in r} for c, r in zip(got, reference, strict=True)] == reference
        assert [c["kind"] for c in got] == [
            "KEY_RESULT_CHECKED_IN",
            "GRADE_CHANGED",
            "KEY_RESULT_CHECKED_IN",
            "GRADE_CHANGED",
        ]
        assert [c["newGrade"] for c in got] == pytest.approx([0.7, 0.35, 0.9, 0.45])
        for headers, body in okrs.received:
            assert verify(okr_hook["secret"], headers["Okrank-Signature"], body)
            assert not verify(ranking_hook["secret"], headers["Okrank-Signature"], body)
            assert json.loads(body)["stream"] == "OKRS"

        ranking_reference = asyncio.run(
            drain(server, gql.token, {"objectiveId": o["id"], "after": FROM_THE_START})
        )
        assert ranking_reference  # the tags moved the objective's ranking
        ranked = rankings.wait_for(len(ranking_reference))
        # Exactly the ranking changes, also those after the last check-in: none of the OKR
        # changes between them, and no OKR change reached the OKRS endpoint's neighbour.
        assert [c["cursor"] for c in ranked] == [c["cursor"] for c in ranking_reference]
        assert all("kind" not in c for c in ranked)
        assert all(json.loads(body)["stream"] == "RANKINGS" for _, body in rankings.received)
        assert okrs.changes() == got

        listed = gql.execute("{ webhooks { id stream } }")["webhooks"]
        assert {(w["id"], w["stream"]) for w in listed} == {
            (okr_hook["webhook"]["id"], "OKRS"),
            (ranking_hook["webhook"]["id"], "RANKINGS"),
        }
    finally:
        okrs.close()
        rankings.close()


def test_a_paused_okrs_endpoint_resumes_from_its_cursor_without_loss_or_duplicate(server, gql):
    paused, witness = Receiver(), Receiver()
    try:
        o = objective(gql, key_results=1)
        kr = o["keyResults"][0]["id"]
        hook = register(gql, paused.url, o["id"], "OKRS")["webhook"]
        check_in(gql, kr, 10)
        before_pause = paused.wait_for(2)

        def delivered_up_to() -> str:
            [state] = gql.execute("{ webhooks { deliveredUpTo } }")["webhooks"]
            return state["deliveredUpTo"]

        wait_until(  # the answer received, the cursor moves on
            lambda: delivered_up_to() == before_pause[-1]["cursor"], what="the cursor to move"
        )
        pause = gql.mutate("pauseWebhook", {"webhookId": hook["id"]}, WEBHOOK)["webhook"]
        assert pause["status"] == "PAUSED"
        assert pause["deliveredUpTo"] == before_pause[-1]["cursor"]
        # Changes while paused; a second endpoint registered now receives them: a delivery
        # round has run since, and the paused endpoint got none of them.
        register(gql, witness.url, o["id"], "OKRS")
        check_in(gql, kr, 20)
        check_in(gql, kr, 30)
        assert len(witness.wait_for(4)) == 4
        assert paused.changes() == before_pause

        resumed = gql.mutate("resumeWebhook", {"webhookId": hook["id"]}, WEBHOOK)["webhook"]
        assert resumed["status"] == "ACTIVE"
        got = paused.wait_for(6)
        reference = okr_reference(server, gql, o["id"], 6)
        assert [c["cursor"] for c in got] == [c["cursor"] for c in reference]  # each once
        assert got[2:] == witness.changes()
    finally:
        paused.close()
        witness.close()


def test_endpoints_registered_before_streams_existed_follow_the_ranking_changes(make_database):
    url = make_database()

    async def scenario() -> list[str]:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            # The table as it was before endpoints had a stream, with one endpoint in it.
            await pool.execute(
                "CREATE TABLE webhook_endpoints (id uuid PRIMARY KEY, workspace text NOT NULL,"
                " url text NOT NULL, secret text NOT NULL, scope uuid, status text NOT NULL,"
                " created_at timestamptz NOT NULL, created_by text NOT NULL,"
                " cursor_position bigint NOT NULL, cursor_ordinal int NOT NULL,"
                " failures int NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL,"
                " last_error text)"
            )
            await pool.execute(
                "INSERT INTO webhook_endpoints VALUES (gen_random_uuid(), 'ws', 'http://h/x',"
                " 'a-secret-of-16-chars', NULL, 'ACTIVE', now(), 'po', 0, -1, 0, now(), NULL)"
            )
            await create_tables(pool)
            await create_tables(pool)  # and again, as every start does
            return [r["stream"] for r in await pool.fetch("SELECT stream FROM webhook_endpoints")]
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == ["RANKINGS"]
