"""Application tests run OkrankApplication in memory (the library's POPO persistence)."""

from __future__ import annotations

import pytest

from okrank.domain.application import OkrankApplication


@pytest.fixture
def app() -> OkrankApplication:
    return OkrankApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
