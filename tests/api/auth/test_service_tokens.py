"""Service tokens for machine clients: an ADMIN creates one (shown once), a machine uses it over
HTTP and WebSocket, the list shows when it was last used, and revocation holds at once on every
API process, closing the WebSockets opened with it. Confined to the workspace."""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from okrank.api.auth import Role
from tests.support.builders import item
from tests.support.servers import ServerProcess

TOKEN = "... on ServiceTokenSuccess { token serviceToken { id name roles createdBy revokedAt } }"
LIST = "{ serviceTokens { id name roles createdAt createdBy lastUsedAt revokedAt revokedBy } }"
SUBSCRIPTION = "subscription { rankingChanged { cause backlogItemId actor } }"


def create(admin: Any, name: str = "ci", roles: tuple[str, ...] = ("MEMBER",)) -> dict:
    return admin.mutate("createServiceToken", {"name": name, "roles": list(roles)}, TOKEN)


def revoke(admin: Any, token_id: str) -> dict:
    return admin.mutate("revokeServiceToken", {"serviceTokenId": token_id}, TOKEN)


def as_machine(server: ServerProcess, token: str, query: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


@contextlib.contextmanager
def open_subscription(
    server: ServerProcess, token: str, in_header: bool
) -> Iterator[ClientConnection]:
    """graphql-transport-ws with the token in connection_init or in the upgrade request."""
    with connect(
        server.url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],
        additional_headers={"Authorization": f"Bearer {token}"} if in_header else None,
        open_timeout=10,
    ) as ws:
        init: dict[str, Any] = {"type": "connection_init"}
        if not in_header:
            init["payload"] = {"Authorization": f"Bearer {token}"}
        ws.send(json.dumps(init))
        assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        yield ws


def closed_with(ws: ClientConnection) -> tuple[int, str]:
    """Read until the server closes; the close code and reason."""
    try:
        while True:
            ws.recv(timeout=10)
    except ConnectionClosed as exc:
        assert exc.rcvd is not None
        return exc.rcvd.code, exc.rcvd.reason
    except TimeoutError:
        pytest.fail("the WebSocket stayed open")


@pytest.fixture
def second_server(database_url: str, server: ServerProcess) -> Iterator[ServerProcess]:
    """Another API process on the same database (as behind a load balancer)."""
    proc = ServerProcess(database_url, projections=False)
    yield proc
    proc.stop()


def test_a_service_token_authenticates_a_machine_in_its_workspace(server, gql):
    created = create(gql, "ci", ("MEMBER",))
    assert created["__typename"] == "ServiceTokenSuccess"
    token = created["token"]
    assert token.startswith("okr_st_") and len(token) > 40
    assert created["serviceToken"]["roles"] == ["MEMBER"]
    assert created["serviceToken"]["createdBy"] == gql.subject
    r = as_machine(server, token, "{ viewer { workspace subject roles } }")
    assert r.json()["data"] == {
        "viewer": {"workspace": gql.workspace, "subject": "service:ci", "roles": ["MEMBER"]}
    }


def test_the_list_shows_last_use_and_never_the_secret(server, gql):
    created = create(gql, "exporter")
    listed = gql.execute(LIST)["serviceTokens"]
    assert [t["name"] for t in listed] == ["exporter"] and listed[0]["lastUsedAt"] is None
    as_machine(server, created["token"], "{ viewer { subject } }")
    listed = gql.execute(LIST)["serviceTokens"]
    assert listed[0]["lastUsedAt"] is not None
    assert listed[0]["createdBy"] == gql.subject and listed[0]["revokedAt"] is None
    assert created["token"] not in gql.post(LIST).text


def test_only_a_hash_is_stored(database_url, gql):
    token = create(gql, "hashed")["token"]
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT * FROM service_tokens WHERE workspace = %s", (gql.workspace,)
        ).fetchone()
    assert bytes(row[4]) == hashlib.sha256(token.encode()).digest()
    assert not any(token in str(value) for value in row)


def test_revocation_holds_at_once_on_every_process_and_closes_websockets(
    server, second_server, gql
):
    created = create(gql, "subscriber", ("MEMBER",))
    token, token_id = created["token"], created["serviceToken"]["id"]
    # The machine subscribes over WebSocket (token in connection_init) and gets changes.
    with (
        open_subscription(server, token, in_header=False) as here,
        open_subscription(second_server, token, in_header=True) as there,
    ):
        made = item(gql, "Export job", rice=(10, 1, 1, 1))
        change = json.loads(here.recv(timeout=20))
        assert change["type"] == "next", change
        assert change["payload"]["data"]["rankingChanged"]["backlogItemId"] == made["id"]
        assert as_machine(second_server, token, "{ viewer { subject } }").status_code == 200

        revoked = revoke(gql, token_id)
        assert revoked["serviceToken"]["revokedAt"] is not None and revoked["token"] is None
        for process in (server, second_server):
            r = as_machine(process, token, "{ viewer { subject } }")
            assert r.status_code == 401, r.text
        assert closed_with(here) == (4401, "token revoked")
        assert closed_with(there) == (4401, "token revoked")
    # A new connection with the revoked token is refused too.
    with pytest.raises(ConnectionClosed), open_subscription(server, token, in_header=False):
        pass
    # Revoking again changes nothing.
    again = revoke(gql, token_id)
    assert again["serviceToken"]["revokedAt"] == revoked["serviceToken"]["revokedAt"]


def test_a_member_cannot_manage_service_tokens(client_factory):
    admin = client_factory()
    member = client_factory(workspace=admin.workspace, subject="m", roles=(Role.MEMBER,))
    assert create(member)["__typename"] == "PermissionDeniedError"
    token_id = create(admin)["serviceToken"]["id"]
    assert revoke(member, token_id)["__typename"] == "PermissionDeniedError"
    assert member.execute(LIST) == {"serviceTokens": []}


def test_a_service_token_cannot_mint_service_tokens(server, gql):
    token = create(gql, "robot-admin", ("ADMIN",))["token"]
    query = (
        'mutation { createServiceToken(input: {name: "child", roles: [ADMIN]}) {'
        " __typename ... on UserError { message } } }"
    )
    r = as_machine(server, token, query).json()["data"]["createServiceToken"]
    assert r["__typename"] == "PermissionDeniedError"


def test_another_workspace_can_neither_see_nor_revoke(server, client_factory):
    a, b = client_factory(), client_factory()
    created = create(a, "a-only")
    assert b.execute(LIST) == {"serviceTokens": []}
    assert revoke(b, created["serviceToken"]["id"])["__typename"] == "NotFoundError"
    assert as_machine(server, created["token"], "{ viewer { subject } }").status_code == 200


@pytest.mark.parametrize(
    ("name", "roles", "path"),
    [
        ("", ["MEMBER"], "name"),
        ("x" * 101, ["MEMBER"], "name"),
        ("o\tk", ["MEMBER"], "name"),
        ("no-roles", [], "roles"),
    ],
)
def test_bad_input_is_a_validation_error(gql, name, roles, path):
    r = gql.mutate("createServiceToken", {"name": name, "roles": roles}, TOKEN)
    assert r["__typename"] == "ValidationError" and r["path"] == ["input", path]
    assert gql.execute(LIST) == {"serviceTokens": []}


def test_a_live_name_is_unique_and_ids_are_checked(gql):
    first = create(gql, "dup")
    assert create(gql, "dup")["__typename"] == "ConflictError"
    revoke(gql, first["serviceToken"]["id"])
    assert create(gql, "dup")["__typename"] == "ServiceTokenSuccess"  # the name is free again
    assert revoke(gql, "not-an-id")["__typename"] == "ValidationError"


@pytest.mark.parametrize("token", ["okr_st_", "okr_st_forged", "okr_st_" + "A" * 5000])
def test_an_unknown_service_token_is_refused(server, token):
    assert as_machine(server, token, "{ viewer { subject } }").status_code == 401


@pytest.mark.parametrize("accept", ['multipart/mixed;subscriptionSpec="1.0"', "text/event-stream"])
def test_revocation_ends_an_http_subscription_stream(server, gql, accept):
    created = create(gql, "streamer")
    headers = {"Authorization": f"Bearer {created['token']}", "Accept": accept}
    received = b""
    with (
        httpx.Client(timeout=10) as http,
        http.stream(
            "POST", f"{server.url}/graphql", json={"query": SUBSCRIPTION}, headers=headers
        ) as response,
    ):
        assert response.status_code == 200
        chunks = response.iter_bytes()
        made = item(gql, "Streamed", rice=(10, 1, 1, 1))
        for chunk in chunks:  # the stream is live: a change arrives
            received += chunk
            if made["id"].encode() in received:
                break
        revoke(gql, created["serviceToken"]["id"])
        deadline = time.monotonic() + 8  # heartbeats would otherwise keep it going
        with contextlib.suppress(httpx.RemoteProtocolError):  # cut mid-stream
            for _ in chunks:  # ends instead of waiting for the read timeout (10 s)
                assert time.monotonic() < deadline, "the stream outlived the revocation"
    assert made["id"].encode() in received
