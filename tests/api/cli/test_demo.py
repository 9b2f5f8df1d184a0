"""`okrank demo` fills the 'demo' workspace with a realistic quarter and prints tokens that
work; run twice, it writes nothing the second time."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import httpx

from tests.support.paths import ROOT
from tests.support.servers import SECRET, ServerProcess

RANKING = "{ ranking(method: RICE, first: 1) { totalCount } }"
EXERCISES = "{ exercises(first: 10) { edges { node { method status } } } }"


def demo(url: str, data_dir: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "OKRANK_SECRET": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "okrank.api.cli", "--data-dir", data_dir, "demo"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_demo_seeds_once_and_its_tokens_read_the_data(make_database):
    url = make_database()
    with tempfile.TemporaryDirectory(prefix="okrank-demo-") as data_dir:
        first = demo(url, data_dir)
        assert first.returncode == 0, first.stderr
        assert "240 backlog items" in first.stdout
        tokens = {
            line.split(" token: ")[0]: line.split(" token: ")[1]
            for line in first.stdout.splitlines()
            if " token: " in line
        }
        assert set(tokens) == {"admin", "product owner", "stakeholder"}
        again = demo(url, data_dir)
        assert again.returncode == 0 and "already seeded; nothing written" in again.stdout
    server = ServerProcess(url)
    try:
        headers = {"Authorization": f"Bearer {tokens['product owner']}"}
        deadline, total = time.monotonic() + 60, None
        while total != 240 and time.monotonic() < deadline:  # the views catch up
            answer = httpx.post(f"{server.url}/graphql", json={"query": RANKING}, headers=headers)
            total = answer.json()["data"]["ranking"]["totalCount"]  # tables exist once ready
            time.sleep(0.2)
        assert total == 240  # not 480: the second run wrote nothing
        answer = httpx.post(f"{server.url}/graphql", json={"query": EXERCISES}, headers=headers)
        exercises = [e["node"] for e in answer.json()["data"]["exercises"]["edges"]]
        assert sorted((e["method"], e["status"]) for e in exercises) == [
            ("MAXDIFF", "CLOSED"),
            ("MOSCOW", "CLOSED"),
        ]
    finally:
        server.stop()
