"""Live changes written by the feed as pre-encoded frames: byte for byte what strawberry sends,
valid WebSocket frames, bounded for a connection that does not read, and handed back to the
ordinary path whenever anything is unusual."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Generator
from types import SimpleNamespace
from typing import Any

import pytest
import websockets
from graphql import ExecutionResult, GraphQLError
from websockets.frames import Frame, Opcode

from okrank.api.graphql.ids import encode_cursor
from okrank.api.http.ws_protocol import TextFrames
from okrank.api.subscriptions.direct import DirectDelivery
from okrank.api.subscriptions.ranking_feed import QUEUE_LIMIT, Subscriber
from okrank.api.subscriptions.shared_row import SharedRow
from tests.support.builders import item, objective, tag
from tests.support.subscriptions import subscribers, wait_no_lingering_subscriptions
from tests.support.waiting import wait_until_async

LIVE = (
    "subscription($o: ID, $a: String) { rankingChanged(objectiveId: $o, after: $a)"
    " { cursor backlogItemId count method oldRank newRank oldScore newScore cause actor at } }"
)


def test_a_live_subscribers_frames_are_byte_for_byte_what_the_ordinary_path_sends(server, gql):
    """The live subscription is written directly by the feed; the one that replays from the
    start is rendered by strawberry for itself: the same changes, the same bytes."""
    o = objective(gql)
    items = [item(gql, f"d{n}", rice=(n + 1, 1, 1, 1)) for n in range(2)]
    wait_no_lingering_subscriptions(server)
    url = server.url.replace("http", "ws") + "/graphql"

    async def scenario() -> tuple[dict[str, str], dict[str, str]]:
        live: dict[str, str] = {}
        replayed: dict[str, str] = {}
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
            init = {"Authorization": f"Bearer {gql.token}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"

            async def subscribe(op: str, variables: dict[str, Any]) -> None:
                payload = {"query": LIVE, "variables": variables}
                await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))

            async def receive_until(done: Any) -> None:
                while not done():
                    raw = await asyncio.wait_for(ws.recv(), timeout=30)
                    message = json.loads(raw)
                    assert message["type"] == "next", message
                    cursor = message["payload"]["data"]["rankingChanged"]["cursor"]
                    (live if message["id"] == "live" else replayed)[cursor] = raw

            await subscribe("live", {"o": o["id"]})

            async def registered() -> bool:
                return await asyncio.to_thread(subscribers, server) >= 1

            await wait_until_async(registered, what="the live subscription")
            for i in items:
                await asyncio.to_thread(tag, gql, i["id"], o["id"])
            await receive_until(lambda: len(live) >= 4)  # two items entered, two rankings
            await subscribe("replay", {"o": o["id"], "a": encode_cursor([0, -1])})
            await receive_until(lambda: live.keys() <= replayed.keys())
        return live, replayed

    live, replayed = asyncio.run(scenario())
    for cursor, raw in live.items():
        assert raw == replayed[cursor].replace('"id":"replay"', '"id":"live"', 1)


class _Protocol:
    """What TextFrames reads of uvicorn's protocol: its state, transport and write flag."""

    def __init__(self) -> None:
        self.close_sent = self.disconnected = False
        self.conn = SimpleNamespace(extensions=[])
        self.writable = asyncio.Event()
        self.writable.set()
        self.written = bytearray()
        self.transport = SimpleNamespace(is_closing=lambda: False, write=self.written.extend)


def _parse(data: bytes) -> list[Frame]:
    """The frames a WebSocket client reads from these bytes (websockets' own frame parser,
    which refuses a server frame that is masked or malformed)."""
    pos = 0

    def read_exact(n: int) -> Generator[None, None, bytes]:
        nonlocal pos
        chunk, pos = data[pos : pos + n], pos + n
        assert len(chunk) == n, "a truncated frame"
        return chunk
        yield  # a generator, as websockets' readers are

    frames = []
    while pos < len(data):
        try:
            next(Frame.parse(read_exact, mask=False, max_size=None))
        except StopIteration as parsed:
            frames.append(parsed.value)
    return frames


def test_a_frame_written_directly_is_one_text_frame_whatever_its_length():
    async def scenario() -> tuple[list[Frame], list[bytes]]:
        protocol = _Protocol()
        frames = TextFrames(protocol)  # type: ignore[arg-type]
        payloads = [b"x" * n for n in (0, 125, 126, 65535, 65536, 70000)]
        for payload in payloads:
            assert frames.send_text(payload)
        return _parse(bytes(protocol.written)), payloads

    parsed, payloads = asyncio.run(scenario())
    assert [(f.opcode, f.fin, bytes(f.data)) for f in parsed] == [
        (Opcode.TEXT, True, p) for p in payloads
    ]


def test_a_connection_compressing_or_closing_takes_no_frame_written_directly():
    async def scenario() -> list[bool]:
        compressing, closing = _Protocol(), _Protocol()
        compressing.conn.extensions = ["permessage-deflate"]
        closing.close_sent = True
        writers = [TextFrames(p) for p in (compressing, closing)]  # type: ignore[arg-type]
        return [w.send_text(b"{}") for w in writers]

    assert asyncio.run(scenario()) == [False, False]


class _Executor:
    """A subscription's executor as DirectDelivery uses it: renders `data`, or errors."""

    operation = object()

    def __init__(self, failing: set[int] | None = None) -> None:
        self.failing = failing or set()

    def build_per_event_executor(self, value: Any) -> Any:
        def execute_operation(serially: bool) -> ExecutionResult:
            if value["n"] in self.failing:
                return ExecutionResult(data=None, errors=[GraphQLError("bad")])
            return ExecutionResult(data={"rankingChanged": {"n": value["n"]}})

        return SimpleNamespace(execute_operation=execute_operation)


class _Value(dict):
    """A row's GraphQL value (an object: the shared rendering is remembered on it)."""


class _Target:
    def __init__(self, writer: TextFrames) -> None:
        self.operation_id, self.writer, self.is_open = "7", writer, True

    def open(self) -> bool:
        return self.is_open


def _rows(count: int) -> list[SharedRow]:
    return [SharedRow({"scope": None, "position": n, "ordinal": 0, "n": n}) for n in range(count)]


def _direct(
    protocol: _Protocol, executor: _Executor | None = None, expires_at: float | None = None
) -> tuple[Subscriber, DirectDelivery, _Target]:
    target = _Target(TextFrames(protocol))  # type: ignore[arg-type]
    delivery = DirectDelivery(
        target,
        executor or _Executor(),
        ("key",),
        {"cost": {"requested": 1}},
        _Value,  # the GraphQL value of a row: here its columns
        lambda row: True,
        expires_at or time.time() + 3600,
    )
    sub = Subscriber("ws", None)
    sub.direct = delivery
    return sub, delivery, target


def test_a_change_written_directly_is_the_graphql_transport_ws_next_message():
    async def scenario() -> bytes:
        protocol = _Protocol()
        sub, _, _ = _direct(protocol)
        sub.offer(_rows(1)[0])
        assert sub.queue.empty()
        return bytes(_parse(bytes(protocol.written))[0].data)

    assert json.loads(asyncio.run(scenario())) == {
        "id": "7",
        "type": "next",
        "payload": {"data": {"rankingChanged": {"n": 0}}, "extensions": {"cost": {"requested": 1}}},
    }


def test_a_connection_that_does_not_read_ends_its_subscriber_after_the_queue_limit():
    async def scenario() -> tuple[Subscriber, DirectDelivery, int]:
        protocol = _Protocol()
        protocol.writable.clear()  # the socket's buffer is full: the client is not reading
        sub, delivery, _ = _direct(protocol)
        for row in _rows(QUEUE_LIMIT + 5):
            sub.offer(row)
        return sub, delivery, len(_parse(bytes(protocol.written)))

    sub, delivery, written = asyncio.run(scenario())
    assert sub.overflowed and written == QUEUE_LIMIT
    assert delivery.last == (QUEUE_LIMIT - 1, 0)  # lastCursor: the last change written
    assert [sub.queue.get_nowait() for _ in range(sub.queue.qsize())] == [None]  # the end


def test_a_connection_that_drains_again_is_not_cut_off():
    async def scenario() -> tuple[Subscriber, int]:
        protocol = _Protocol()
        sub, _, _ = _direct(protocol)
        for n, row in enumerate(_rows(3 * QUEUE_LIMIT)):
            if n % QUEUE_LIMIT == 0:  # full for a while, then drained below its low mark
                protocol.writable.clear() if n // QUEUE_LIMIT % 2 == 0 else protocol.writable.set()
            sub.offer(row)
        return sub, len(_parse(bytes(protocol.written)))

    sub, written = asyncio.run(scenario())
    assert not sub.overflowed and written == 3 * QUEUE_LIMIT


@pytest.mark.parametrize("unusual", ["errors", "expired", "completed"])
def test_an_unusual_change_and_every_later_one_take_the_ordinary_path(unusual):
    async def scenario() -> tuple[list[int], list[int], Subscriber]:
        protocol = _Protocol()
        sub, _, target = _direct(protocol, _Executor(failing={1} if unusual == "errors" else None))
        rows = _rows(3)
        sub.offer(rows[0])
        if unusual == "expired":
            sub.direct.expires_at = time.time() - 1
        elif unusual == "completed":
            target.is_open = False
        for row in rows[1:]:
            sub.offer(row)
        frames = _parse(bytes(protocol.written))
        direct = [
            json.loads(bytes(f.data))["payload"]["data"]["rankingChanged"]["n"] for f in frames
        ]
        queued = [sub.queue.get_nowait()["n"] for _ in range(sub.queue.qsize())]
        return direct, queued, sub

    direct, queued, sub = asyncio.run(scenario())
    assert (direct, queued) == ([0], [1, 2]) and sub.direct is None
