"""Browser origins: a CORS preflight is answered before authentication for allowed origins,
refused for others, and the WebSocket Origin check uses the same list."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from okrank.api.http.cors import ORIGIN_REFUSED, OriginPolicy

DEV_ORIGIN = "http://localhost:3000"
FOREIGN_ORIGIN = "https://evil.example"


def preflight(server, origin: str) -> httpx.Response:
    return httpx.options(
        f"{server.url}/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


def test_a_preflight_from_a_loopback_dev_origin_is_allowed_without_a_token(server):
    response = preflight(server, DEV_ORIGIN)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == DEV_ORIGIN
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "access-control-allow-credentials" not in response.headers


def test_a_preflight_from_a_foreign_origin_is_refused(server):
    response = preflight(server, FOREIGN_ORIGIN)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_an_allowed_origin_may_read_an_answer_and_its_rate_limit_headers(server, gql):
    response = gql.post("{ __typename }", headers={"Origin": DEV_ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == DEV_ORIGIN
    assert "ratelimit-remaining" in response.headers["access-control-expose-headers"].lower()
    foreign = gql.post("{ __typename }", headers={"Origin": FOREIGN_ORIGIN})
    assert "access-control-allow-origin" not in foreign.headers


async def _handshake(url: str, token: str, origin: str | None) -> tuple[str, object]:
    """Connect with `origin`, init with the token; what the server answered first."""
    headers = {"Origin": origin} if origin else {}
    async with websockets.connect(
        url, subprotocols=["graphql-transport-ws"], additional_headers=headers, open_timeout=10
    ) as ws:
        try:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
            return "message", json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]
        except websockets.ConnectionClosed as closed:
            return "closed", closed.rcvd.code if closed.rcvd else None


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        (None, ("message", "connection_ack")),  # not a browser
        (DEV_ORIGIN, ("message", "connection_ack")),
        (FOREIGN_ORIGIN, ("closed", ORIGIN_REFUSED)),
    ],
)
def test_the_websocket_origin_check_uses_the_same_list(server, gql, origin, expected):
    url = server.url.replace("http", "ws") + "/graphql"
    assert asyncio.run(_handshake(url, gql.token, origin)) == expected


def test_the_same_origin_page_may_open_a_websocket(server, gql):
    """GraphiQL served by okrank itself: its Origin is the Host it called."""
    url = server.url.replace("http", "ws") + "/graphql"
    assert asyncio.run(_handshake(url, gql.token, server.url)) == ("message", "connection_ack")


def test_the_default_allows_loopback_origins_only_on_a_loopback_server():
    loopback = OriginPolicy.from_env({"OKRANK_LISTEN_HOST": "127.0.0.1"})
    assert loopback.allows("http://localhost:5173") and loopback.allows("http://127.0.0.1")
    assert loopback.allows("http://[::1]:8080")
    assert not loopback.allows("http://localhost.evil.example")
    assert not loopback.allows("https://app.example.com")
    public = OriginPolicy.from_env({"OKRANK_LISTEN_HOST": "0.0.0.0"})
    assert not public.allows("http://localhost:5173")
    assert public.allows("https://okrank.example.com", host="okrank.example.com")


def test_configured_origins_replace_the_default():
    policy = OriginPolicy.from_env(
        {"OKRANK_CORS_ORIGINS": "https://app.example.com, http://dev.example.com:*"}
    )
    assert policy.allows("https://app.example.com")
    assert not policy.allows("https://app.example.com:8443")
    assert policy.allows("http://dev.example.com:8080") and policy.allows("http://dev.example.com")
    assert not policy.allows("http://localhost:3000")
    assert OriginPolicy.from_env({"OKRANK_CORS_ORIGINS": "*"}).allows("https://any.example")
    closed = OriginPolicy.from_env({"OKRANK_CORS_ORIGINS": "none", "OKRANK_LISTEN_HOST": "::1"})
    assert not closed.allows("http://localhost:3000")


@pytest.mark.parametrize(
    "entry", ["app.example.com", "ftp://x.example", "https://x.example/path", "https://u@x.example"]
)
def test_an_entry_that_is_not_an_origin_is_refused_at_start(entry):
    with pytest.raises(ValueError, match="OKRANK_CORS_ORIGINS"):
        OriginPolicy.from_env({"OKRANK_CORS_ORIGINS": entry})
