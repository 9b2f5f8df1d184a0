"""Scale-out: `okrank project` is the only projection worker; SIGKILL it mid-stream, start
another, and nothing is lost or repeated — in the read models, the outbox or a subscription."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg

from okrank.api.auth import Role, issue_token
from okrank.api.graphql.ids import encode_cursor
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.rankings.scoring import RiceInputs, Tier
from okrank.projections.engine.runner import event_store_env, rebuild
from tests.support.paths import ROOT
from tests.support.read_models import snapshot, tracked, wait_caught_up
from tests.support.servers import SECRET, ServerProcess
from tests.support.subscriptions import drain


def worker(url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-m", "okrank.api.cli", "project"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkilled_projection_worker_is_replaced_without_loss_or_repeat(make_database):
    url = make_database()
    app = OkrankApplication(env=event_store_env(url))
    actor = Actor("scale", "alice")
    objective = app.create_objective(actor, "2026-Q3", "o").aggregate_id
    app.add_key_result(actor, objective, "m", 0, 1)
    app.activate_objective(actor, objective)
    api = ServerProcess(url, projections=False)  # serves only; projections run elsewhere
    first = worker(url)
    try:
        writing = threading.Event()

        def write() -> None:
            for n in range(60):
                item = app.create_backlog_item(actor, f"i{n}").aggregate_id
                app.score_backlog_item(actor, item, RiceInputs(n % 17, 1, 1, 1))
                app.tag_backlog_item(
                    actor, item, objective, Tier.DIRECT if n % 2 else Tier.INDIRECT, "r"
                )
                if n == 20:
                    writing.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert writing.wait(30)
        with psycopg.connect(url, autocommit=True) as conn:
            deadline = time.monotonic() + 30
            while not (tracked(conn, "catalog") or (0,))[0] and time.monotonic() < deadline:
                time.sleep(0.02)
            progress = tracked(conn, "catalog")
        assert progress and progress[0] > 0  # the worker is busy projecting
        first.send_signal(signal.SIGKILL)  # mid-stream, no clean-up
        first.wait()
        writer.join()
        second = worker(url)
        try:
            wait_caught_up(url, timeout=60)
            token = issue_token(SECRET, "scale", "subscriber", [Role.MEMBER])
            received = asyncio.run(drain(api, token, {"after": encode_cursor([0, -1])}, quiet=2))
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)
        live = snapshot(url)
        with psycopg.connect(url) as conn:
            outbox = [
                encode_cursor([p, o])
                for p, o in conn.execute(
                    "SELECT position, ordinal FROM ranking_changes ORDER BY position, ordinal"
                )
            ]
        # The subscription saw exactly the outbox: nothing lost, nothing twice, in order.
        assert [c["cursor"] for c in received] == outbox
        assert len(live["backlog_items"]) == 60
        rebuild(url)
        assert snapshot(url) == live  # and the live rows equal a rebuild from the log
    finally:
        if first.poll() is None:
            first.kill()
        api.stop()
        app.close()
