"""A slow or stalled client cannot hold a connection: headers, bodies and idle keep-alive
connections each have a deadline (shortened here through OKRANK_* variables), and the number of
connections a process holds is capped. Real sockets against real server processes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from okrank.api.auth import Role, issue_token
from tests.support.servers import SECRET, ServerProcess

WAIT = 30.0  # seconds a test waits for the server to act, at most (never a timing assertion)


@pytest.fixture(scope="module")
def quick(server, database_url) -> Iterator[ServerProcess]:
    """A server whose deadlines are one second (on the session's database, whose read tables
    the session server created)."""
    limits = {
        "OKRANK_HEADER_TIMEOUT": "1",
        "OKRANK_BODY_TIMEOUT": "1",
        "OKRANK_KEEPALIVE_TIMEOUT": "1",
        "OKRANK_MAX_HEADER_BYTES": "8192",
    }
    quick = ServerProcess(database_url, projections=False, env=limits)
    yield quick
    quick.stop()


@pytest.fixture(scope="module")
def capped(server, database_url) -> Iterator[ServerProcess]:
    """A server holding at most 60 connections, with deadlines long enough that connections
    opened by a test stay open while it runs."""
    limits = {"OKRANK_MAX_CONNECTIONS": "60", "OKRANK_HEADER_TIMEOUT": "120"}
    capped = ServerProcess(database_url, projections=False, env=limits)
    yield capped
    capped.stop()


def _connect(server: ServerProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or WAIT passes: then the
    connection was held, and the caller's assertion on what came back fails)."""
    received = b""
    deadline = time.monotonic() + WAIT
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return received + b"<still open>"
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    return received + b"<still open>"


def _token() -> str:
    return issue_token(SECRET, "ws-slow", "po", [Role.ADMIN])


def test_a_connection_that_sends_half_a_header_is_closed(quick):
    with _connect(quick) as sock:
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        assert _read_until_closed(sock).startswith(b"HTTP/1.1 408 ")


def test_a_connection_that_sends_nothing_is_closed(quick):
    with _connect(quick) as sock:
        assert _read_until_closed(sock).startswith(b"HTTP/1.1 408 ")


def test_a_second_request_on_a_kept_alive_connection_has_a_header_deadline_too(quick):
    with _connect(quick) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\n")
        received = _read_until_closed(sock)
        assert received.startswith(b"HTTP/1.1 200 ") and b"HTTP/1.1 408 " in received


def test_headers_over_the_size_cap_are_refused(quick):
    with _connect(quick) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 20_000)
        assert _read_until_closed(sock).startswith(b"HTTP/1.1 431 ")


def test_a_body_that_does_not_arrive_in_time_gets_408(quick):
    with _connect(quick) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + _token().encode() + b"\r\nContent-Length: 100\r\n\r\n"
            b'{"query": '
        )
        received = _read_until_closed(sock)
        assert received.startswith(b"HTTP/1.1 408 ") and b"REQUEST_TIMEOUT" in received


def test_an_idle_keep_alive_connection_is_closed(quick):
    with _connect(quick) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = _read_until_closed(sock)
        assert received.startswith(b"HTTP/1.1 200 ") and received.endswith(b"ok")


def test_a_normal_request_still_works_after_the_deadlines(quick):
    r = httpx.post(
        f"{quick.url}/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {_token()}"},
    )
    assert r.status_code == 200 and r.json()["data"] == {"viewer": {"subject": "po"}}


def _viewer(server: ServerProcess) -> httpx.Response:
    return httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ viewer { subject } }"},
        headers={"Authorization": f"Bearer {_token()}"},
        timeout=WAIT,
    )


def test_requests_are_served_while_50_slow_connections_are_open_and_the_cap_holds(capped):
    slow_headers = [_connect(capped) for _ in range(25)]
    slow_bodies = [_connect(capped) for _ in range(25)]
    try:
        for sock in slow_headers:
            sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for sock in slow_bodies:
            sock.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                b"\r\nAuthorization: Bearer " + _token().encode() + b"\r\nContent-Length: 50"
                b"\r\n\r\n{"
            )
        r = _viewer(capped)
        assert r.status_code == 200 and r.json()["data"]["viewer"]["subject"] == "po"
        # Beyond the cap (60 connections), a new request is refused rather than queued.
        extra = [_connect(capped) for _ in range(15)]
        try:
            assert _viewer(capped).status_code == 503
        finally:
            for sock in extra:
                sock.close()
    finally:
        for sock in slow_headers + slow_bodies:
            sock.close()
    deadline = time.monotonic() + WAIT
    while (r := _viewer(capped)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the closed connections
    assert r.status_code == 200
