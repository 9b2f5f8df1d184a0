"""Webhooks cannot reach internal addresses: registration refuses them in every spelling, and a
delivery checks every address its host resolves to and connects only to a checked one (so a
name rebound to an internal address is refused too). Failures read without addresses or ports.
Only loopback spellings are used end to end: nothing leaves the machine."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import psycopg
import pytest

from okrank.api.auth import Role
from okrank.api.webhooks.address_policy import AddressPolicy, parse_networks
from okrank.api.webhooks.transport import (
    ADDRESS_NOT_ALLOWED,
    CONNECTION_ERROR,
    AddressNotAllowed,
    VettedTransport,
)
from tests.support.builders import item
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess, free_port
from tests.support.waiting import wait_until
from tests.support.webhooks import WEBHOOK, Receiver

STATE = "{ webhooks { status lastError attempts { edges { node { statusCode error } } } } }"


def loopback_spellings(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/hook",
        f"http://127.1:{port}/hook",
        f"http://2130706433:{port}/hook",
        f"http://0x7f000001:{port}/hook",
        f"http://0177.0.0.1:{port}/hook",
        f"http://[::1]:{port}/hook",
        f"http://[::ffff:127.0.0.1]:{port}/hook",
        f"http://0.0.0.0:{port}/hook",
        f"http://localhost:{port}/hook",  # in /etc/hosts: resolving it stays on the machine
    ]


def wait_for_error(gql: GraphQLClient, timeout: float = 20) -> dict[str, Any]:
    def failed() -> dict[str, Any] | None:
        [state] = gql.execute(STATE)["webhooks"]
        return state if state["lastError"] is not None else None

    return wait_until(failed, timeout, "a recorded delivery failure")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_deliveries_connect_only_to_vetted_addresses(receiver):
    port = receiver.server.server_address[1]

    async def post(policy: AddressPolicy, url: str) -> int:
        async with httpx.AsyncClient(transport=VettedTransport(policy), timeout=5) as http:
            return (await http.post(url, content=b"{}")).status_code

    # "localhost" resolves (through /etc/hosts) to loopback: refused at connection, whatever
    # registration said, like any name that resolves to an internal address.
    for url in loopback_spellings(port):
        # httpx itself rejects a dotted octal spelling (0177.0.0.1) as an invalid URL.
        with pytest.raises((AddressNotAllowed, httpx.InvalidURL)):
            asyncio.run(post(AddressPolicy(), url))
    assert receiver.attempts == 0
    allowed = AddressPolicy(parse_networks("127.0.0.0/8,::1"))
    # Connects to a vetted address of the name (::1 may come first and not listen: the next).
    assert asyncio.run(post(allowed, f"http://localhost:{port}/hook")) == 204
    assert receiver.attempts == 1


def test_a_server_allowing_no_internal_network_refuses_loopback_webhooks(make_database, receiver):
    url = make_database()
    server = ServerProcess(url, env={"OKRANK_WEBHOOK_ALLOW_NETWORKS": ""})
    gql = GraphQLClient(server.url, "ssrf", "admin", [Role.ADMIN])
    try:
        port = receiver.server.server_address[1]
        own = f"http://127.0.0.1:{server.port}/graphql"  # the API's own address
        for target in [*loopback_spellings(port), f"http://hooks.localhost:{port}/", own]:
            refused = gql.mutate("registerWebhook", {"url": target}, WEBHOOK)
            assert (refused["__typename"], refused["path"]) == ("ValidationError", ["input", "url"])
        assert gql.execute("{ webhooks { id } }") == {"webhooks": []}

        # An endpoint stored with a loopback URL (registered under an earlier policy, or a name
        # since rebound to loopback) is refused at delivery: nothing reaches the receiver.
        with psycopg.connect(url) as conn:
            conn.execute(
                "INSERT INTO webhook_endpoints (id, workspace, url, secret, scope, status,"
                " created_at, created_by, cursor_position, cursor_ordinal, next_attempt_at)"
                " VALUES (%s, 'ssrf', %s, 'a-secret-of-16-chars', NULL, 'ACTIVE', now(),"
                " 'admin', 0, -1, now())",
                (uuid.uuid4(), receiver.url),
            )
        item(gql, rice=(1, 1, 1, 1))
        state = wait_for_error(gql)
        assert state["lastError"] == ADDRESS_NOT_ALLOWED
        attempt = state["attempts"]["edges"][0]["node"]
        assert attempt == {"statusCode": None, "error": ADDRESS_NOT_ALLOWED}
        assert receiver.attempts == 0
    finally:
        gql.close()
        server.stop()


def test_a_failed_connection_reads_connection_error_without_address_or_port(gql):
    port = free_port()  # nothing listens there
    gql.mutate("registerWebhook", {"url": f"http://127.0.0.1:{port}/hook"}, WEBHOOK)
    item(gql, rice=(1, 1, 1, 1))
    state = wait_for_error(gql)
    assert state["lastError"] == CONNECTION_ERROR
    assert str(port) not in str(state) and "127.0.0.1" not in str(state)


def test_a_given_secret_must_have_16_to_256_characters(gql):
    for secret in ("", "x" * 15, "x" * 257):
        refused = gql.mutate(
            "registerWebhook", {"url": "http://127.0.0.1:9/x", "secret": secret}, WEBHOOK
        )
        assert (refused["__typename"], refused["path"]) == ("ValidationError", ["input", "secret"])
    accepted = gql.mutate(
        "registerWebhook", {"url": "http://127.0.0.1:9/x", "secret": "x" * 256}, WEBHOOK
    )
    assert accepted["__typename"] == "WebhookSuccess" and accepted["secret"] == "x" * 256
