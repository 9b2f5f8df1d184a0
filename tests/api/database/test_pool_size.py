"""OKRANK_DATABASE_POOL_SIZE: the most connections each API process's read pool opens; a
malformed value is refused with a message naming it, and the server stops at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from okrank.api.database.pool_size import ENV, POOL_SIZE, pool_size
from tests.support.paths import ROOT
from tests.support.servers import SECRET, free_port


def test_the_pool_size_serves_32_connections_by_default_and_is_read_from_the_setting():
    assert POOL_SIZE >= 32  # one process serves 32 concurrent requests without waiting
    assert pool_size({}) == POOL_SIZE
    assert pool_size({ENV: " 40 "}) == 40
    assert pool_size({ENV: "1"}) == 1


def test_a_malformed_pool_size_is_refused_by_name():
    for bad in ("0", "-1", "many", "1.5", "1001"):
        with pytest.raises(ValueError, match=ENV):
            pool_size({ENV: bad})


def test_a_server_with_a_malformed_pool_size_stops_at_start_up_naming_the_setting(database_url):
    env = {
        **os.environ,
        "OKRANK_DATABASE_URL": database_url,
        "OKRANK_SECRET": SECRET,
        "OKRANK_PROJECTIONS": "0",
        ENV: "0",
    }
    command = [sys.executable, "-m", "okrank.api.http.server", "--host", "127.0.0.1"]
    # It must end by itself; the timeout only bounds a server that would not (then killed).
    ended = subprocess.run(
        [*command, "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=180,
    )
    assert ended.returncode != 0
    assert f"{ENV} must be a whole number of connections" in ended.stderr.decode()
