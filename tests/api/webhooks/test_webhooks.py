"""Webhooks: signed POSTs of every change, in order, retried until accepted, paused after
repeated failures, resumable, queryable, and surviving a restart."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest

from okrank.api.auth import Role
from okrank.api.graphql.ids import encode_cursor
from okrank.api.webhooks.delivery import verify
from tests.support.builders import item, objective, tag
from tests.support.graphql_client import GraphQLClient
from tests.support.read_models import wait_caught_up
from tests.support.servers import ServerProcess
from tests.support.subscriptions import drain
from tests.support.waiting import wait_until
from tests.support.webhooks import WEBHOOK, Receiver


@pytest.fixture
def receiver():
    r = Receiver(failures=3)
    yield r
    r.close()


def expected_changes(server: Any, gql: Any, objective_id: str) -> list[dict]:
    """The reference: what a subscriber replaying from the beginning receives."""
    return asyncio.run(
        drain(server, gql.token, {"objectiveId": objective_id, "after": encode_cursor([0, -1])})
    )


def test_receiver_failing_three_times_then_succeeding_gets_every_change_once_in_order(
    server, gql, receiver
):
    o = objective(gql)
    registered = gql.mutate(
        "registerWebhook", {"url": receiver.url, "objectiveId": o["id"]}, WEBHOOK
    )
    assert registered["__typename"] == "WebhookSuccess" and len(registered["secret"]) >= 16
    items = [item(gql, f"i{n}", rice=(n + 1, 1, 1, 1)) for n in range(3)]
    for i in items:
        tag(gql, i["id"], o["id"])
    reference = expected_changes(server, gql, o["id"])
    got = receiver.wait_for(len(reference))
    assert [c["cursor"] for c in got] == [c["cursor"] for c in reference]
    assert got[0] == {k: reference[0][k] for k in got[0]}  # same content as the subscription
    assert receiver.attempts >= 4
    for headers, body in receiver.received:
        assert verify(registered["secret"], headers["Okrank-Signature"], body)
        assert not verify("a-different-secret-0123", headers["Okrank-Signature"], body)

    def recorded() -> Any:
        """The endpoint once its last POST's success is recorded: the receiver has the body
        before the deliverer has the answer and writes it down. The attempt and the reset
        counter commit together, but the query reads the endpoint and its attempts in two
        statements, so one read may see the attempt and not yet the reset: wait for both."""
        endpoint = gql.execute(
            "{ webhooks { consecutiveFailures status attempts { edges { node { succeeded"
            " statusCode error changes } } } } }"
        )["webhooks"][0]
        changes = sum(
            e["node"]["changes"] for e in endpoint["attempts"]["edges"] if e["node"]["succeeded"]
        )
        done = changes == len(reference) and endpoint["consecutiveFailures"] == 0
        return endpoint if done else None

    attempts = wait_until(recorded, what="the successful delivery recorded")
    assert attempts["status"] == "ACTIVE" and attempts["consecutiveFailures"] == 0
    outcomes = [e["node"] for e in reversed(attempts["attempts"]["edges"])]
    assert [(a["succeeded"], a["statusCode"]) for a in outcomes[:4]] == [
        (False, 503),
        (False, 503),
        (False, 503),
        (True, 204),
    ]
    assert sum(a["changes"] for a in outcomes if a["succeeded"]) == len(reference)


def test_endpoint_that_keeps_failing_is_paused_and_can_be_resumed(server, gql):
    failing = Receiver(failures=10_000)
    healthy = Receiver()
    try:
        hook = gql.mutate("registerWebhook", {"url": failing.url}, WEBHOOK)["webhook"]
        item(gql, rice=(1, 1, 1, 1))

        def paused() -> dict | None:
            [state] = gql.execute("{ webhooks { status consecutiveFailures lastError } }")[
                "webhooks"
            ]
            return state if state["status"] == "PAUSED" else None

        state = wait_until(paused, what="the failing endpoint to be paused")
        assert state["status"] == "PAUSED" and state["lastError"] == "HTTP 503"
        paused_attempts = failing.attempts
        # A delivery round after the pause: another endpoint of the workspace gets a change.
        gql.mutate("registerWebhook", {"url": healthy.url}, WEBHOOK)
        item(gql, rice=(2, 1, 1, 1))
        assert healthy.wait_for(1)
        assert failing.attempts == paused_attempts  # nothing sent while paused
        failing.failures = 0
        resumed = gql.mutate("resumeWebhook", {"webhookId": hook["id"]}, WEBHOOK)
        assert resumed["webhook"]["status"] == "ACTIVE"
        assert failing.wait_for(1)
    finally:
        failing.close()
        healthy.close()


def test_deliveries_survive_a_restart(make_database):
    # A database of its own: the shared test server would otherwise hold the delivery lock.
    url = make_database()
    receiver = Receiver(failures=10_000)  # down while the first process runs
    first = ServerProcess(url)
    try:
        gql = GraphQLClient(first.url, "restart", "po", [Role.ADMIN])
        gql.mutate("registerWebhook", {"url": receiver.url}, WEBHOOK)
        for n in range(3):
            item(gql, f"i{n}", rice=(n + 1, 1, 1, 1))
        # The outbox holds the changes once the projections caught up (before that the
        # deliverer finds no ranking_changes table yet and tries again a second later).
        wait_caught_up(url, timeout=60)
        receiver.wait_for_attempts(1, timeout=60)
        assert receiver.attempts > 0 and receiver.changes() == []
        gql.close()
    finally:
        first.stop()
    receiver.failures = 0  # the receiver recovers while okrank is down
    with psycopg.connect(url) as conn:
        owed = [
            encode_cursor([p, o])
            for p, o in conn.execute(
                "SELECT position, ordinal FROM ranking_changes ORDER BY position, ordinal"
            )
        ]
    second = ServerProcess(url)
    try:
        got = receiver.wait_for(len(owed))
        assert [c["cursor"] for c in got] == owed  # each once, in order
    finally:
        second.stop()
        receiver.close()


def test_registration_is_validated_and_admin_only(client_factory):
    admin = client_factory()
    member = client_factory(workspace=admin.workspace, roles=(Role.PRODUCT_OWNER,))
    assert (
        member.mutate("registerWebhook", {"url": "http://127.0.0.1:9/x"}, "")["__typename"]
        == "PermissionDeniedError"
    )
    bad = admin.mutate("registerWebhook", {"url": "ftp://example"}, "")
    assert (bad["__typename"], bad["path"]) == ("ValidationError", ["input", "url"])
    short = admin.mutate("registerWebhook", {"url": "http://127.0.0.1:9/x", "secret": "short"}, "")
    assert short["__typename"] == "ValidationError"
    assert admin.execute("{ webhooks { id } }") == {"webhooks": []}


def test_an_exercise_ranking_change_is_posted_as_the_subscription_shows_it():
    from datetime import UTC, datetime
    from uuid import uuid4

    from okrank.api.graphql.ids import to_global_id
    from okrank.api.subscriptions.change_payload import change_json

    exercise, objective, item = uuid4(), uuid4(), uuid4()
    row = {
        "position": 7,
        "ordinal": 0,
        "scope": objective,
        "item_id": item,
        "count": 1,
        "method": f"EXERCISE:{exercise}",
        "old_rank": None,
        "new_rank": 1,
        "old_priority": None,
        "new_priority": 80.0,
        "cause": "EXERCISE_CLOSED",
        "actor": "po",
        "at": datetime.now(UTC),
    }
    change = change_json(row)
    assert change["method"] == "EXERCISE"
    assert change["exerciseId"] == to_global_id("Exercise", exercise)
    assert change_json({**row, "method": "RICE"})["exerciseId"] is None
