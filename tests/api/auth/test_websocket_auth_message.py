"""A WebSocket without a token is closed (4401) with the same message HTTP answers."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets


async def _closed_without_token(url: str, payload: dict) -> tuple[int, str]:
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


@pytest.mark.parametrize("payload", [{}, {"token": ""}, {"Authorization": ""}])
def test_a_websocket_without_a_token_gets_the_same_message_as_http(server, payload):
    url = server.url.replace("http", "ws") + "/graphql"
    http = httpx.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
    message = http.json()["errors"][0]["message"]
    assert message == "missing Authorization: Bearer token"
    assert asyncio.run(_closed_without_token(url, payload)) == (4401, message)
