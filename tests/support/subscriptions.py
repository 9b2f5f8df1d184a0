"""rankingChanged over a real WebSocket (graphql-transport-ws): subscribing, and waiting for
the subscription to be live before a writer starts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

SUBSCRIPTION = """
subscription($objectiveId: ID, $after: String) {
  rankingChanged(objectiveId: $objectiveId, after: $after) {
    cursor objectiveId backlogItemId count method exerciseId oldRank newRank oldScore newScore cause
    actor at
  }
}
"""


def transport(server: Any, token: str) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=server.url.replace("http", "ws") + "/graphql",
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )


async def collect(
    server: Any,
    token: str,
    count: int,
    variables: dict[str, Any],
    started: asyncio.Event | None = None,
    timeout: float = 20,
) -> list[dict]:
    """Subscribe and return the first `count` changes."""
    got: list[dict] = []
    async with Client(transport=transport(server, token)) as session:
        request = GraphQLRequest(SUBSCRIPTION, variable_values=variables)
        stream = session.subscribe(request)
        if started:
            # The subscription is registered once the first message could flow: give the server
            # a moment after the handshake before the writer starts.
            async def mark() -> None:
                await asyncio.sleep(0.3)
                started.set()

            asyncio.get_running_loop().create_task(mark())
        async with asyncio.timeout(timeout):
            async for result in stream:
                got.append(result["rankingChanged"])
                if len(got) >= count:
                    break
    return got


async def drain(
    server: Any, token: str, variables: dict[str, Any], quiet: float = 1.5
) -> list[dict]:
    """Subscribe and return everything received until nothing arrives for `quiet` seconds."""
    got: list[dict] = []
    async with Client(transport=transport(server, token)) as session:
        stream = session.subscribe(GraphQLRequest(SUBSCRIPTION, variable_values=variables))
        while True:
            try:
                result = await asyncio.wait_for(anext(stream), quiet)
            except TimeoutError:
                return got
            got.append(result["rankingChanged"])


async def subscribe(server, token: str, query: str) -> dict:
    """One graphql-transport-ws subscribe; the first message answering it."""
    url = server.url.replace("http", "ws") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        async with asyncio.timeout(30):
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == "1":
                    return message


async def collect_exercise_changes(gql: Any, objective_id: str, started: asyncio.Event) -> list:
    """The EXERCISE ranking changes of an objective, over a real WebSocket subscription."""
    query = (
        "subscription($o: ID) { rankingChanged(objectiveId: $o, method: EXERCISE) {"
        " backlogItemId method exerciseId cause newRank } }"
    )
    got: list[dict] = []
    server = type("Server", (), {"url": gql.url})
    async with Client(transport=transport(server, gql.token)) as session:
        stream = session.subscribe(GraphQLRequest(query, variable_values={"o": objective_id}))
        asyncio.get_running_loop().call_later(0.3, started.set)
        async with asyncio.timeout(20):
            async for result in stream:
                got.append(result["rankingChanged"])
                if len(got) >= 3:  # the three candidates enter the exercise's ranking
                    break
    return got
