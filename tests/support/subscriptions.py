"""rankingChanged and okrChanged over a real WebSocket (graphql-transport-ws): subscribing, and
waiting for the subscription to be live before a writer starts."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import websockets
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.support.waiting import wait_until, wait_until_async

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


SUBSCRIBERS = "okrank_subscribers_connected"  # the gauge of the server's live subscriptions


def subscribers(server: Any) -> int:
    """How many rankingChanged subscriptions the server process has registered with its feed
    (its /metrics gauge): once one is counted, every change committed after it reaches it."""
    text = httpx.get(f"{server.url}/metrics", timeout=10).text
    prefix = SUBSCRIBERS + " "
    return next(
        int(float(line[len(prefix) :])) for line in text.splitlines() if line.startswith(prefix)
    )


def wait_no_lingering_subscriptions(server: Any, others: int = 0) -> None:
    """Before subscribing: earlier tests' subscriptions have ended, so the next one the server
    counts is this test's (`others`: subscriptions this test already holds open)."""
    # Generous: an ended subscription is counted until the server has closed its stream, which
    # takes long on a loaded machine (one CI run under load waited more than 20 s).
    wait_until(
        lambda: subscribers(server) <= others, timeout=60, what="earlier subscriptions to end"
    )


def wait_live(server: Any, others: int = 0) -> None:
    """Until the server counts one subscription beyond the test's `others`: it is live."""
    wait_until(lambda: subscribers(server) > others, what="the subscription to be live")


async def signal_when_live(server: Any, started: asyncio.Event, others: int) -> None:
    """Sets `started` once the subscription is live (cancellable: polls in the event loop)."""

    async def live() -> bool:
        return await asyncio.to_thread(subscribers, server) > others

    await wait_until_async(live, what="the subscription to be live")
    started.set()


async def stream_changes(
    server: Any,
    token: str,
    query: str,
    variables: dict[str, Any],
    enough: Callable[[list[dict]], bool],
    started: asyncio.Event | None,
    timeout: float,
    others: int,
    field: str = "rankingChanged",
) -> list[dict]:
    """Subscribe and return the changes received until `enough` of them; `started` is set once
    the subscription is live on the server (a writer may start then without its changes being
    missed)."""
    if started:
        await asyncio.to_thread(wait_no_lingering_subscriptions, server, others)
    got: list[dict] = []
    async with Client(transport=transport(server, token)) as session:
        # Closed when done: a stream left open keeps gql's listener, and the client's close
        # then waits its whole close_timeout (10 s) for it.
        stream = session.subscribe(GraphQLRequest(query, variable_values=variables))
        live = asyncio.create_task(signal_when_live(server, started, others)) if started else None
        try:
            async with asyncio.timeout(timeout), contextlib.aclosing(stream):
                async for result in stream:
                    got.append(result[field])
                    if enough(got):
                        break
        finally:
            if live:
                live.cancel()
    return got


async def okr_changes(
    server: Any,
    token: str,
    query: str,
    count: int,
    variables: dict[str, Any],
    started: asyncio.Event | None = None,
) -> list[dict]:
    """The first `count` changes an okrChanged subscription (`query`) receives."""
    return await stream_changes(
        server,
        token,
        query,
        variables,
        lambda got: len(got) >= count,
        started,
        20,
        0,
        field="okrChanged",
    )


async def collect(
    server: Any,
    token: str,
    count: int,
    variables: dict[str, Any],
    started: asyncio.Event | None = None,
    timeout: float = 20,
    others: int = 0,
) -> list[dict]:
    """Subscribe and return the first `count` changes (`others`: how many other subscriptions
    this test holds open on the server meanwhile)."""
    return await stream_changes(
        server,
        token,
        SUBSCRIPTION,
        variables,
        lambda got: len(got) >= count,
        started,
        timeout,
        others,
    )


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


EXERCISE_CHANGES = (
    "subscription($o: ID) { rankingChanged(objectiveId: $o, method: EXERCISE) {"
    " backlogItemId method exerciseId cause newRank } }"
)


async def collect_exercise_changes(gql: Any, objective_id: str, started: asyncio.Event) -> list:
    """The EXERCISE ranking changes of an objective, over a real WebSocket subscription: the
    first three (the three candidates enter the exercise's ranking)."""
    server = type("Server", (), {"url": gql.url})
    return await stream_changes(
        server,
        gql.token,
        EXERCISE_CHANGES,
        {"o": objective_id},
        lambda got: len(got) >= 3,
        started,
        20,
        0,
    )


async def until_live(started: asyncio.Event, subscriber: asyncio.Task) -> None:
    """Wait until the subscriber's subscription is live, or raise what ended it first (a failed
    subscriber must fail the test, not leave it waiting on `started` for ever)."""
    waiter = asyncio.ensure_future(started.wait())
    await asyncio.wait({waiter, subscriber}, return_when=asyncio.FIRST_COMPLETED)
    if not started.is_set():
        waiter.cancel()
        subscriber.result()  # raises the subscriber's failure
        raise AssertionError("the subscriber ended before its subscription was live")
