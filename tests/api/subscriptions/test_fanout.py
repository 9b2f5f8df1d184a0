"""Many subscribers on one process: each change is rendered once per distinct selection, and
every subscriber still gets exactly its own shape, in order, without loss, and only its own
workspace's changes; WebSocket connections are not offered per-message deflate unless asked."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

from okrank.api.graphql.ids import encode_cursor
from okrank.api.http.limits import http_limits
from okrank.api.http.server import WS_COMPRESSION_ENV, uvicorn_options
from tests.support.builders import item, objective, tag
from tests.support.subscriptions import (
    drain,
    subscribers,
    wait_no_lingering_subscriptions,
)
from tests.support.waiting import wait_until_async

RANKS = "subscription($o: ID) { rankingChanged(objectiveId: $o) { cursor backlogItemId newRank } }"
CAUSES = "subscription($o: ID) { rankingChanged(objectiveId: $o) { cursor moved: cause method } }"
WORKSPACE = "subscription { rankingChanged { cursor backlogItemId } }"
PER_SELECTION = 15


class RawSubscriber:
    """One graphql-transport-ws connection and one subscription, keeping every payload."""

    def __init__(self, server: Any, token: str, query: str, variables: dict[str, Any]) -> None:
        self.url = server.url.replace("http", "ws") + "/graphql"
        self.token, self.query, self.variables = token, query, variables
        self.received: list[dict[str, Any]] = []

    async def run(self) -> None:
        async with websockets.connect(self.url, subprotocols=["graphql-transport-ws"]) as ws:
            init = {"Authorization": f"Bearer {self.token}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            payload = {"query": self.query, "variables": self.variables}
            await ws.send(json.dumps({"id": "s", "type": "subscribe", "payload": payload}))
            async for raw in ws:
                message = json.loads(raw)
                assert message["type"] == "next" and message["id"] == "s", message
                assert "errors" not in message["payload"], message
                self.received.append(message["payload"]["data"]["rankingChanged"])


async def _until(condition: Any, tasks: list[asyncio.Task], what: str) -> None:
    async def met() -> bool:
        for t in tasks:
            if t.done():
                t.result()  # a subscriber that failed fails the test
        return condition()

    await wait_until_async(met, timeout=60, what=what)


def test_many_subscribers_with_two_selections_each_get_their_own_shape_in_order(
    server, client_factory
):
    a, b = client_factory(), client_factory()
    o = objective(a)
    items = [item(a, f"i{n}", rice=(n + 1, 1, 1, 1)) for n in range(4)]
    wait_no_lingering_subscriptions(server)
    ranks = [RawSubscriber(server, a.token, RANKS, {"o": o["id"]}) for _ in range(PER_SELECTION)]
    causes = [RawSubscriber(server, a.token, CAUSES, {"o": o["id"]}) for _ in range(PER_SELECTION)]
    other = RawSubscriber(server, b.token, WORKSPACE, {})
    everyone = [*ranks, *causes, other]

    async def scenario() -> tuple[list[dict], str]:
        tasks = [asyncio.create_task(s.run()) for s in everyone]
        try:
            await _until(
                lambda: subscribers(server) >= len(everyone), tasks, "every subscriber live"
            )
            for i in items:  # each tag moves the objective's rankings: several changes each
                await asyncio.to_thread(tag, a, i["id"], o["id"])
            # What the outbox holds for the objective, replayed for one subscriber (the path
            # that renders for that subscriber alone).
            reference = await drain(
                server, a.token, {"objectiveId": o["id"], "after": encode_cursor([0, -1])}
            )
            assert len(reference) >= 2 * len(items)
            await _until(
                lambda: all(len(s.received) >= len(reference) for s in ranks + causes),
                tasks,
                "every change at every subscriber",
            )
            # Then one change of b's own: changes arrive in commit order, so b's first change
            # is its own unless one of a's reached it.
            own = await asyncio.to_thread(item, b, "b's item", (1, 1, 1, 1))
            await _until(lambda: bool(other.received), tasks, "b's own change")
            return reference, own["id"]
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    reference, own = asyncio.run(scenario())
    expected_ranks = [
        {"cursor": c["cursor"], "backlogItemId": c["backlogItemId"], "newRank": c["newRank"]}
        for c in reference
    ]
    expected_causes = [
        {"cursor": c["cursor"], "moved": c["cause"], "method": c["method"]} for c in reference
    ]
    for s in ranks:
        assert s.received == expected_ranks
    for s in causes:
        assert s.received == expected_causes
    assert [c for c in other.received if c["backlogItemId"] != own] == []


def test_websocket_connections_are_not_offered_per_message_deflate(server):
    async def extensions() -> str | None:
        url = server.url.replace("http", "ws") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            return ws.response.headers.get("Sec-WebSocket-Extensions")

    assert asyncio.run(extensions()) is None


def test_per_message_deflate_is_offered_when_configured(monkeypatch):
    assert uvicorn_options(http_limits())["ws_per_message_deflate"] is False
    monkeypatch.setenv(WS_COMPRESSION_ENV, "1")
    assert uvicorn_options(http_limits())["ws_per_message_deflate"] is True
