"""Subscription latency and fan-out, through real WebSocket connections on loopback.

Figures:
- latency: from a mutation's HTTP response to a subscriber's receipt of the change it caused
  (p50/p99 over sequential mutations), beside the floor of a bare PostgreSQL NOTIFY → asyncpg
  LISTEN round trip measured in the same run;
- fan-out: N concurrent subscribers on one API process, every one receiving every change: the
  delivery latency p50/p99 across all receipts, and the API process's resident memory before and
  with the subscribers connected.

Run: .venv/bin/python -m bench.subscriptions [--mutations 200] [--subscribers 1000] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import statistics
import time
from typing import Any

import asyncpg
import httpx
import psutil
import websockets

from bench.common import Database, admin_token, okrank_server, pct

SUBSCRIPTION = (
    "subscription($o: ID) { rankingChanged(objectiveId: $o, method: RICE)"
    " { cursor backlogItemId newScore cause } }"
)


class Okrank:
    """A scratch database and one okrank server process (projections on)."""

    def __init__(self, ws_protocol: str) -> None:
        self.db = Database()
        self.db_url = self.db.url
        # Measure, not throttle: 1,000 subscription starts on one token exceed its bucket.
        # WebSockets as `okrank serve` has them (api.http.server.uvicorn_options): no
        # per-message deflate, the protocol that writes pre-encoded frames (`--ws-protocol
        # auto` measures the ordinary path: uvicorn's own protocol).
        env = {
            "OKRANK_RATE_LIMIT": "0",
            "UVICORN_WS_PER_MESSAGE_DEFLATE": "false",
            "UVICORN_WS": ws_protocol,
        }
        self.server = okrank_server(self.db, env=env, ready_seconds=300)
        self.url, self.proc = self.server.url, self.server.proc

    def close(self) -> None:
        self.server.close()
        self.db.close()


class Client:
    def __init__(self, okrank: Okrank) -> None:
        self.token = admin_token()
        self.http = httpx.AsyncClient(
            base_url=okrank.url, timeout=30, headers={"Authorization": f"Bearer {self.token}"}
        )

    async def gql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        r = await self.http.post("/graphql", json={"query": query, "variables": variables})
        body = r.json()
        assert "errors" not in body, body
        return body["data"]

    async def created(self, mutation: str, field: str, kind: str) -> str:
        """The id of what `mutation` (no variables) created: its `field`'s `kind`'s id."""
        return (await self.gql(mutation, {}))[field][kind]["id"]


async def setup(client: Client, items: int) -> tuple[str, list[str]]:
    o = await client.created(
        'mutation { createObjective(input: {cycle: "2026-Q3", title: "b"})'
        " { ... on ObjectiveSuccess { objective { id } } } }",
        "createObjective",
        "objective",
    )
    await client.gql(
        'mutation($o: ID!) { addKeyResult(input: {objectiveId: $o, metric: "m",'
        " baseline: 0, target: 1}) { __typename } }",
        {"o": o},
    )
    await client.gql(
        "mutation($o: ID!) { activateObjective(input: {objectiveId: $o}) { __typename } }", {"o": o}
    )
    ids = []
    for _ in range(items):
        i = await client.created(
            'mutation { createBacklogItem(input: {title: "x"})'
            " { ... on BacklogItemSuccess { backlogItem { id } } } }",
            "createBacklogItem",
            "backlogItem",
        )
        await client.gql(
            "mutation($i: ID!, $o: ID!) { tagBacklogItem(input: {backlogItemId: $i,"
            ' objectiveId: $o, tier: DIRECT, reason: "r"}) { __typename } }',
            {"i": i, "o": o},
        )
        ids.append(i)
    return o, ids


SCORE = (
    "mutation($i: ID!, $r: Float!) { scoreBacklogItem(input: {backlogItemId: $i,"
    " rice: {reach: $r, impact: 1, confidence: 1, effort: 1}}) { __typename } }"
)


Key = tuple[str, float]  # (backlogItemId, newScore) of a SCORED change


class Awaited:
    """The change every subscriber is waiting for: set once the last one has it (no polling,
    which would take CPU from the server on a small machine)."""

    def __init__(self) -> None:
        self.key: Key | None = None
        self.left = 0
        self.done = asyncio.Event()

    def expect(self, key: Key, subscribers: int) -> None:
        self.key, self.left = key, subscribers
        self.done.clear()

    def arrived(self, key: Key) -> None:
        if key == self.key:
            self.left -= 1
            if self.left == 0:
                self.done.set()


class Subscriber:
    """A raw graphql-transport-ws connection recording when each change arrives."""

    def __init__(self, awaited: Awaited) -> None:
        self.arrivals: dict[Key, float] = {}
        self.ready = asyncio.Event()
        self.awaited = awaited

    async def run(self, okrank: Okrank, token: str, objective: str) -> None:
        url = okrank.url.replace("http", "ws") + "/graphql"
        async with websockets.connect(
            url, subprotocols=["graphql-transport-ws"], max_queue=None
        ) as ws:
            await ws.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                )
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUBSCRIPTION, "variables": {"o": objective}},
                    }
                )
            )
            self.ready.set()
            async for raw in ws:
                now = time.perf_counter()
                msg = json.loads(raw)
                if msg["type"] != "next" or "errors" in msg["payload"]:
                    raise RuntimeError(f"subscription failed: {msg}")
                if msg["type"] == "next":
                    c = msg["payload"]["data"]["rankingChanged"]
                    key = (c["backlogItemId"], c["newScore"])
                    if c["cause"] == "SCORED" and key not in self.arrivals:
                        self.arrivals[key] = now
                        self.awaited.arrived(key)


async def notify_floor(db_url: str, rounds: int) -> list[float]:
    """Bare PostgreSQL NOTIFY → LISTEN latency, milliseconds."""
    listener = await asyncpg.connect(db_url)
    sender = await asyncpg.connect(db_url)
    got: asyncio.Queue[float] = asyncio.Queue()
    await listener.add_listener("bench", lambda *_: got.put_nowait(time.perf_counter()))
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        await sender.execute("NOTIFY bench")
        out.append((await got.get() - start) * 1000)
    await listener.close()
    await sender.close()
    return out


async def measure(
    okrank: Okrank,
    subscribers: int,
    mutations: int,
    objective: str,
    items: list[str],
    client: Client,
    base_score: int,
) -> tuple[list[float], list[float], int, float, float]:
    """Per receipt: ms from sending the mutation, and ms from its response (negative: the
    subscriber had the change before the mutation answered, which waits for read-your-writes);
    the API process's growth in memory with the subscribers connected, and its CPU per
    mutation (with the projections it runs)."""
    before = psutil.Process(okrank.proc.pid).memory_info().rss
    awaited = Awaited()
    subs = [Subscriber(awaited) for _ in range(subscribers)]
    tasks = [asyncio.create_task(s.run(okrank, client.token, objective)) for s in subs]
    await asyncio.gather(*(s.ready.wait() for s in subs))
    # Warm up until every subscriber has received a change: its subscription is registered
    # (a client only knows it sent the subscribe message, not when the server acted on it).
    warm_keys: set[tuple[str, float]] = set()
    deadline = time.perf_counter() + 600  # 1,000 subscription starts on a loaded machine
    for n in range(10_000):
        score = float(base_score - 1 - n)
        await client.gql(SCORE, {"i": items[0], "r": score})
        warm_keys.add((items[0], score * 2))
        await asyncio.sleep(1.0)
        if all(warm_keys & s.arrivals.keys() for s in subs):
            break
        if time.perf_counter() > deadline:
            got = sum(bool(warm_keys & s.arrivals.keys()) for s in subs)
            raise RuntimeError(f"only {got} of {len(subs)} subscribers registered")
    server = psutil.Process(okrank.proc.pid)
    rss = server.memory_info().rss
    cpu_before = sum(server.cpu_times()[:2])
    client_cpu_before = sum(psutil.Process().cpu_times()[:2])
    from_send, from_response = [], []
    for n in range(mutations):
        item, score = items[n % len(items)], float(base_score + n)
        key = (item, score * 2.0)  # DIRECT multiplier 2.0
        awaited.expect(key, len(subs))
        sent = time.perf_counter()
        await client.gql(SCORE, {"i": item, "r": score})
        answered = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(awaited.done.wait(), timeout=30)
        from_send += [(s.arrivals[key] - sent) * 1000 for s in subs if key in s.arrivals]
        from_response += [(s.arrivals[key] - answered) * 1000 for s in subs if key in s.arrivals]
        missing = sum(key not in s.arrivals for s in subs)
        if missing:
            raise RuntimeError(f"{missing} subscribers missed a change")
    cpu_ms = (sum(server.cpu_times()[:2]) - cpu_before) * 1000 / mutations
    client_cpu_ms = (sum(psutil.Process().cpu_times()[:2]) - client_cpu_before) * 1000 / mutations
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return from_send, from_response, rss - before, cpu_ms, client_cpu_ms


def raise_open_files(wanted: int) -> None:
    """Each subscriber is a socket at both ends (this process holds the clients' ends)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


async def main(args: argparse.Namespace) -> dict[str, Any]:
    raise_open_files(2 * args.subscribers + 1024)
    okrank = Okrank(args.ws_protocol)
    try:
        client = Client(okrank)
        objective, items = await setup(client, 5)
        idle_rss = psutil.Process(okrank.proc.pid).memory_info().rss
        floor = await notify_floor(okrank.db_url, args.mutations)
        one_send, one_resp, one_rss, one_cpu, _ = await measure(
            okrank, 1, args.mutations, objective, items, client, 1000
        )
        many_send, many_resp, many_rss, many_cpu, client_cpu = await measure(
            okrank, args.subscribers, args.fanout_mutations, objective, items, client, 100_000
        )
        await client.http.aclose()
    finally:
        okrank.close()
    return {
        "notify_floor_ms_p50": statistics.median(floor),
        "notify_floor_ms_p99": pct(floor, 0.99),
        "send_to_receipt_ms_p50": statistics.median(one_send),
        "send_to_receipt_ms_p99": pct(one_send, 0.99),
        "response_to_receipt_ms_p50": statistics.median(one_resp),
        "response_to_receipt_ms_p99": pct(one_resp, 0.99),
        "mutations": args.mutations,
        "fanout_subscribers": args.subscribers,
        "fanout_receipts": len(many_send),
        "fanout_send_to_receipt_ms_p50": statistics.median(many_send),
        "fanout_send_to_receipt_ms_p99": pct(many_send, 0.99),
        "fanout_response_to_receipt_ms_p50": statistics.median(many_resp),
        "fanout_response_to_receipt_ms_p99": pct(many_resp, 0.99),
        "api_cpu_ms_per_mutation_one_subscriber": one_cpu,
        "api_cpu_ms_per_mutation_fanout": many_cpu,
        "bench_client_cpu_ms_per_mutation_fanout": client_cpu,
        # The server CPU each further subscriber costs per change it receives.
        "api_cpu_us_per_receipt": (many_cpu - one_cpu) * 1000 / max(1, args.subscribers - 1),
        "api_rss_mb_idle": idle_rss / 2**20,
        "api_rss_kb_one_subscriber": one_rss / 2**10,
        # What the API process grew by with the subscribers connected, per subscriber.
        "api_rss_kb_per_subscriber": many_rss / args.subscribers / 2**10,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mutations", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--fanout-mutations", type=int, default=20)
    parser.add_argument("--ws-protocol", default="okrank.api.http.ws_protocol:FrameWritingProtocol")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.mutations, args.subscribers, args.fanout_mutations = 20, 50, 5
    f = asyncio.run(main(args))
    print(
        f"NOTIFY→LISTEN floor: p50 {f['notify_floor_ms_p50']:.2f} ms, "
        f"p99 {f['notify_floor_ms_p99']:.2f} ms"
    )
    print(
        f"1 subscriber, {args.mutations} mutations: mutation sent → receipt p50 "
        f"{f['send_to_receipt_ms_p50']:.2f} ms, p99 {f['send_to_receipt_ms_p99']:.2f} ms; "
        f"mutation response → receipt p50 {f['response_to_receipt_ms_p50']:.2f} ms, "
        f"p99 {f['response_to_receipt_ms_p99']:.2f} ms; "
        f"memory {f['api_rss_kb_one_subscriber']:.0f} KB"
    )
    print(
        f"{args.subscribers} subscribers ({f['fanout_receipts']} receipts): mutation sent → "
        f"receipt p50 {f['fanout_send_to_receipt_ms_p50']:.1f} ms, "
        f"p99 {f['fanout_send_to_receipt_ms_p99']:.1f} ms; response → receipt p50 "
        f"{f['fanout_response_to_receipt_ms_p50']:.1f} ms, "
        f"p99 {f['fanout_response_to_receipt_ms_p99']:.1f} ms; "
        f"memory {f['api_rss_kb_per_subscriber']:.1f} KB per subscriber; server CPU "
        f"{f['api_cpu_ms_per_mutation_fanout']:.0f} ms per change "
        f"(1 subscriber: {f['api_cpu_ms_per_mutation_one_subscriber']:.1f} ms), "
        f"{f['api_cpu_us_per_receipt']:.0f} µs per receipt; the bench's clients "
        f"{f['bench_client_cpu_ms_per_mutation_fanout']:.0f} ms CPU per change "
        f"(API process {f['api_rss_mb_idle']:.0f} MB idle)"
    )
    print(json.dumps(f))
