"""A PostgreSQL killed with kill -9 under a running okrank and started again on the same socket:
the scenario the outage tests observe (`run_outage`, once a module) and a mutation recorded but
not read back when it dies (`recorded_mutation`)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from okrank.api.auth import Role, issue_token
from okrank.api.graphql.ids import decode_cursor
from tests.support.builders import ITEM, item, objective
from tests.support.graphql_client import GraphQLClient
from tests.support.restartable_postgres import DEADLINE, RestartablePostgres
from tests.support.servers import SECRET, ServerProcess
from tests.support.stored_rows import stored_rows
from tests.support.subscriptions import transport
from tests.support.waiting import wait_until
from tests.support.webhooks import WEBHOOK, Receiver

CREATE = (
    "mutation($input: CreateBacklogItemInput!) { createBacklogItem(input: $input) {"
    " __typename ... on BacklogItemSuccess { backlogItem { id title } } } }"
)
READ = "query($id: ID!) { backlogItem(id: $id) { id title } }"
CHANGES = "subscription { rankingChanged { cursor backlogItemId cause } }"
EVERY = 0.05  # how often a condition is asked again: each ask may be a request to the server


def wait(condition: Any, what: str) -> Any:
    """`condition()`'s first truthy value, at this scenario's pace and deadline."""
    return wait_until(condition, DEADLINE, what, every=EVERY)


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
        wait(lambda: self._task is not None, "the subscriber's task")
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

    @property
    def unavailable(self) -> bool:
        """The outage's answer: 503, Retry-After and SERVICE_UNAVAILABLE alone."""
        return (
            self.status == 503
            and self.retry_after is not None
            and self.codes == ["SERVICE_UNAVAILABLE"]
        )


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


def ask(
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


def create_item(http: httpx.Client, title: str, accept: str | None = None) -> Answer:
    return ask(http, CREATE, {"input": {"title": title}}, accept)


async def subscribe_errors(
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


def outbox(database_url: str, workspace: str) -> list[tuple[int, int]]:
    rows = stored_rows(
        database_url,
        "SELECT position, ordinal FROM ranking_changes WHERE workspace = %s"
        " ORDER BY position, ordinal",
        (workspace,),
    )
    return [(r[0], r[1]) for r in rows]


@contextmanager
def run_outage(postgres: RestartablePostgres) -> Iterator[Outage]:
    """The outage, observed once: a server over a database of its own on `postgres`, which is
    killed and started again."""
    database_url = postgres.database("okrank_outage")
    server = ServerProcess(database_url)
    try:
        yield observe(postgres, server, database_url)
    finally:
        server.stop()


def observe(postgres: RestartablePostgres, server: ServerProcess, database_url: str) -> Outage:
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
            wait(lambda: subscriber.received or subscriber.error or time.monotonic() > end, "")
        assert subscriber.error is None, subscriber.error
        seen.first_changes_cursor = subscriber.received[0]["cursor"]
        seen.acknowledged_before = [
            item(gql, f"before {n}", rice=(n + 1, 1, 1, 1)) for n in range(3)
        ]
        objective_id = objective(gql)["id"]

        killed = time.monotonic()
        postgres.kill()

        def refused() -> Answer | None:
            answer = create_item(http, "during")
            seen.during.append(answer)
            return answer if answer.status == 503 else None

        wait(refused, "a mutation to be refused with 503")
        seen.detected_after = time.monotonic() - killed
        for _ in range(3):
            seen.during.append(create_item(http, "during"))
            seen.during_graphql_response_json.append(
                create_item(http, "during", accept="application/graphql-response+json")
            )
            seen.during_read.append(ask(http, READ, {"id": seen.acknowledged_before[0]["id"]}))
            ready = httpx.get(f"{server.url}/readyz", timeout=30)
            seen.readyz_during.append((ready.status_code, ready.json()))
            seen.healthz_during.append(httpx.get(f"{server.url}/healthz", timeout=30).status_code)
        seen.subscribe_during = asyncio.run(subscribe_errors(server, token, objective_id))

        postgres.start()
        restarted = time.monotonic()

        # Writers keep writing while okrank notices: whatever is acknowledged must be there.
        def recovered() -> bool:
            answer = create_item(http, f"window {len(seen.window_answers)}")
            seen.window_answers.append(answer)
            if answer.status == 200 and "errors" not in answer.body:
                seen.window_acknowledged.append(
                    answer.body["data"]["createBacklogItem"]["backlogItem"]
                )
            ready = httpx.get(f"{server.url}/readyz", timeout=30)
            return ready.status_code == 200 and answer.status == 200

        wait(recovered, "readyz 200 and a mutation that succeeds")
        seen.recovered_after = time.monotonic() - restarted

        seen.after = gql.mutate("createBacklogItem", {"title": "after"}, ITEM)
        seen.after_read = gql.execute(READ, {"id": seen.after["backlogItem"]["id"]})["backlogItem"]
        item(gql, "after, scored", rice=(99, 1, 1, 1))
        seen.still_there = [
            gql.execute(READ, {"id": i["id"]})["backlogItem"]
            for i in seen.acknowledged_before + seen.window_acknowledged
        ]

        first = tuple(decode_cursor(seen.first_changes_cursor, (int, int)))
        expected = [c for c in outbox(database_url, workspace) if c >= first]
        wait(
            lambda: len(subscriber.received) >= len(expected) or subscriber.error,
            f"the subscriber to receive {len(expected)} changes",
        )
        seen.received = list(subscriber.received)
        seen.outbox = expected
        seen.subscriber_error = subscriber.error
        everything = outbox(database_url, workspace)  # the webhook was registered first

        def webhook_cursors() -> list[tuple[int, int]]:
            return [tuple(decode_cursor(c["cursor"], (int, int))) for c in receiver.changes()]

        wait(lambda: set(webhook_cursors()) >= set(everything), "the webhook to catch up")
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


@dataclass
class Recorded:
    answer: Answer
    position: int


@contextmanager
def recorded_mutation(postgres: RestartablePostgres) -> Iterator[Recorded]:
    """A mutation whose command is recorded, then PostgreSQL dies while it waits to read its
    write back: a server without projections, so the read models never catch up by themselves."""
    database_url = postgres.database("okrank_recorded")
    server = ServerProcess(database_url, projections=False)
    token = issue_token(SECRET, "ws-recorded", "po", [Role.ADMIN])
    http = httpx.Client(
        base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        before = stored_events(database_url)
        answers: list[Answer] = []
        writer = threading.Thread(target=lambda: answers.append(create_item(http, "recorded")))
        writer.start()
        position = wait(
            lambda: (n := stored_events(database_url)) > before and n, "the command's event"
        )
        postgres.kill()
        writer.join(timeout=DEADLINE)
        postgres.start()
        yield Recorded(answers[0], position)
    finally:
        http.close()
        server.stop()


def stored_events(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT coalesce(max(notification_id), 0) FROM okrank_events"
        ).fetchone()[0]
