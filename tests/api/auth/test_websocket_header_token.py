"""A bad token in a WebSocket's Authorization header is refused like one in connection_init:
the handshake succeeds and the server closes with code 4401 and the reason, which a client can
read (a refused handshake would only show an HTTP 403)."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from okrank.api.auth import Role, issue_token


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(
            "Bearer "
            + issue_token("not-the-server-secret-0123456789abcdef", "ws", "eve", [Role.ADMIN]),
            id="forged token",
        ),
        pytest.param("Basic ZXZlOmV2ZQ==", id="not a bearer token"),
    ],
)
def test_a_bad_header_token_closes_the_websocket_with_4401(server, authorization):
    async def scenario() -> ConnectionClosed:
        url = server.url.replace("http", "ws") + "/graphql"
        async with connect(
            url,
            subprotocols=["graphql-transport-ws"],
            additional_headers={"Authorization": authorization},
        ) as ws:
            assert ws.subprotocol == "graphql-transport-ws"
            async with asyncio.timeout(20):
                try:
                    await ws.recv()
                except ConnectionClosed as closed:
                    return closed
        raise AssertionError("the server sent a message instead of closing")

    closed = asyncio.run(scenario())
    assert closed.rcvd is not None and closed.rcvd.code == 4401 and closed.rcvd.reason
