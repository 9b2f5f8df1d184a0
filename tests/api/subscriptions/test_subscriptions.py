"""rankingChanged over WebSocket (graphql-transport-ws, through the gql client) and HTTP
multipart: live, resumable without gap or duplicate, workspace-private, token-checked."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
)
from websockets.exceptions import ConnectionClosed

from okrank.api.auth import Role, issue_token
from okrank.api.graphql.ids import encode_cursor
from okrank.api.subscriptions.ranking_feed import Subscriber
from tests.support.builders import item, objective, tag
from tests.support.servers import SECRET, ServerProcess
from tests.support.subscriptions import (
    SUBSCRIPTION,
    collect,
    drain,
    transport,
    until_live,
    wait_live,
    wait_no_lingering_subscriptions,
)


def test_a_mutation_reaches_a_live_subscriber_with_every_field(server, gql):
    o = objective(gql)
    first = item(gql, "first", rice=(10, 1, 1, 1))
    tag(gql, first["id"], o["id"])
    second = item(gql, "second", rice=(50, 1, 1, 1))

    async def scenario() -> list[dict]:
        started = asyncio.Event()
        task = asyncio.create_task(collect(server, gql.token, 3, {"objectiveId": o["id"]}, started))
        await until_live(started, task)
        await asyncio.to_thread(tag, gql, second["id"], o["id"])
        return await task

    changes = asyncio.run(scenario())
    # `second` enters at the top of the objective's RICE ranking: the run of one item it
    # displaces (`first`, rank 1 → 2) is reported first, then `second` itself.
    rice = [c for c in changes if c["method"] == "RICE"]
    assert [(c["backlogItemId"], c["count"], c["oldRank"], c["newRank"]) for c in rice] == [
        (None, 1, 1, 2),
        (second["id"], 1, None, 1),
    ]
    entered = rice[1]
    assert entered["objectiveId"] == o["id"] and entered["newScore"] == 100.0
    assert entered["cause"] == "TAGGED" and entered["actor"] == "po" and entered["at"]


def test_resuming_with_a_cursor_delivers_each_missed_change_once_in_order(server, gql):
    o = objective(gql)
    items = [item(gql, f"i{n}", rice=(n + 1, 1, 1, 1)) for n in range(5)]
    tag(gql, items[0]["id"], o["id"])

    async def first_change() -> dict:
        started = asyncio.Event()
        task = asyncio.create_task(collect(server, gql.token, 1, {"objectiveId": o["id"]}, started))
        await until_live(started, task)
        await asyncio.to_thread(tag, gql, items[1]["id"], o["id"])
        return (await task)[0]

    seen = asyncio.run(first_change())  # the subscriber disconnects after one change
    for i in items[2:]:  # changes it misses while away
        tag(gql, i["id"], o["id"])
    missed = asyncio.run(
        drain(server, gql.token, {"objectiveId": o["id"], "after": seen["cursor"]})
    )
    everything = asyncio.run(
        drain(server, gql.token, {"objectiveId": o["id"], "after": encode_cursor([0, -1])})
    )
    cursors = [c["cursor"] for c in everything]
    # Exactly what followed the cursor: nothing skipped, nothing repeated, in order.
    assert missed == everything[cursors.index(seen["cursor"]) + 1 :]
    assert len(missed) > 3 * 2  # three items entered, twice (RICE, WSJF), moving others
    # Replaying every change reproduces the current ranking.
    ranks: dict[str, int] = {}
    for c in everything:
        if c["method"] != "RICE":
            continue
        if c["backlogItemId"] is None:  # a displaced run
            for item_id, rank in list(ranks.items()):
                if c["oldRank"] <= rank < c["oldRank"] + c["count"]:
                    ranks[item_id] = rank + c["newRank"] - c["oldRank"]
        else:
            ranks[c["backlogItemId"]] = c["newRank"]
    current = gql.execute(
        "query($o: ID) { ranking(objectiveId: $o) { edges { node { rank backlogItem { id } } } } }",
        {"o": o["id"]},
    )["ranking"]["edges"]
    assert ranks == {e["node"]["backlogItem"]["id"]: e["node"]["rank"] for e in current}


def test_subscribers_only_see_their_own_workspace(server, client_factory):
    a, b = client_factory(), client_factory()

    async def scenario() -> list[dict]:
        started = asyncio.Event()
        task = asyncio.create_task(collect(server, b.token, 1, {}, started))
        await until_live(started, task)
        await asyncio.to_thread(item, a, "a's item", (1, 1, 1, 1))
        # Then one of b's own: changes arrive in commit order, so b's first change is its own
        # unless one of a's reached it.
        own = await asyncio.to_thread(item, b, "b's item", (1, 1, 1, 1))
        return [c for c in await task if c["backlogItemId"] != own["id"]]

    assert asyncio.run(scenario()) == []


def test_connection_without_a_valid_token_is_refused(server):
    forged = issue_token("not-the-server-secret-0123456789abcdef", "ws", "eve", [Role.ADMIN])

    async def scenario() -> None:
        async with Client(transport=transport(server, forged)) as session:
            async for _ in session.subscribe(GraphQLRequest(SUBSCRIPTION)):
                pass

    with pytest.raises(TransportConnectionFailed) as exc:
        asyncio.run(scenario())
    closed = exc.value.__cause__ or exc.value.__context__
    assert isinstance(closed, ConnectionClosed) and closed.rcvd.code == 4401
    assert "invalid token" in closed.rcvd.reason


def test_token_expiry_ends_the_subscription(server):
    short = issue_token(SECRET, "ws-expiry", "temp", [Role.MEMBER], ttl_seconds=2)

    async def scenario() -> tuple[float, BaseException | None]:
        start = time.monotonic()
        try:
            async with Client(transport=transport(server, short)) as session:
                async with asyncio.timeout(10):
                    async for _ in session.subscribe(GraphQLRequest(SUBSCRIPTION)):
                        pass
        except TransportConnectionFailed as exc:
            return time.monotonic() - start, exc.__cause__ or exc.__context__
        return time.monotonic() - start, None

    elapsed, closed = asyncio.run(scenario())
    assert 1 <= elapsed < 9
    assert isinstance(closed, ConnectionClosed)
    assert (closed.rcvd.code, closed.rcvd.reason) == (4401, "token expired")


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ('multipart/mixed;subscriptionSpec="1.0"', "multipart/mixed"),
        ("text/event-stream", "text/event-stream"),
    ],
)
def test_http_subscription_for_clients_without_websockets(server, gql, accept, media):
    o = objective(gql)
    i = item(gql, rice=(3, 1, 1, 1))
    headers = {"Authorization": f"Bearer {gql.token}", "Accept": accept}
    body = {"query": SUBSCRIPTION, "variables": {"objectiveId": o["id"]}}
    received = b""
    wait_no_lingering_subscriptions(server)
    with (
        httpx.Client(timeout=10) as http,
        http.stream("POST", f"{server.url}/graphql", json=body, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media), response.read()
        wait_live(server)  # the HTTP stream's subscription is registered
        tag(gql, i["id"], o["id"])
        for chunk in response.iter_bytes():
            received += chunk
            if b"TAGGED" in received:
                break
    assert i["id"].encode() in received


def test_a_mutation_on_one_process_reaches_a_subscriber_on_another(server, database_url, gql):
    other = ServerProcess(database_url, projections=False)
    try:
        o = objective(gql)
        i = item(gql, rice=(7, 1, 1, 1))

        async def scenario() -> list[dict]:
            started = asyncio.Event()
            task = asyncio.create_task(
                collect(other, gql.token, 1, {"objectiveId": o["id"]}, started)
            )
            await until_live(started, task)
            await asyncio.to_thread(tag, gql, i["id"], o["id"])  # sent to the first process
            return await task

        [change] = asyncio.run(scenario())
        assert change["backlogItemId"] == i["id"] and change["cause"] == "TAGGED"
    finally:
        other.stop()


def test_a_slow_subscriber_is_cut_off_not_buffered_without_bound():
    async def scenario() -> list[Any]:
        sub = Subscriber("ws", None)
        for n in range(sub.queue.maxsize + 5):
            sub.offer({"scope": None, "n": n})
        items = []
        while not sub.queue.empty():
            items.append(sub.queue.get_nowait())
        return [sub.overflowed, len(items), items[-1]]

    overflowed, queued, last = asyncio.run(scenario())
    assert overflowed and queued == 1000 and last is None  # None: the end-of-stream sentinel
