"""The outage tests' fixtures: a PostgreSQL of their own, killed and started again once a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.outage import (
    Outage,
    Recorded,
    RestartablePostgres,
    recorded_mutation,
    run_outage,
)


@pytest.fixture(scope="module")
def postgres() -> Iterator[RestartablePostgres]:
    server = RestartablePostgres()
    yield server
    server.close()


@pytest.fixture(scope="module")
def outage(postgres: RestartablePostgres) -> Iterator[Outage]:
    with run_outage(postgres) as seen:
        yield seen


@pytest.fixture(scope="module")
def recorded(postgres: RestartablePostgres, outage: Outage) -> Iterator[Recorded]:
    """After the outage (they share `postgres`, which each kills)."""
    with recorded_mutation(postgres) as seen:
        yield seen
