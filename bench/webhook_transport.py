"""What the webhook address check costs per POST: httpx's own transport against the vetting
transport (resolve the host, check every address, connect to a checked one), to a receiver on
loopback, with a kept-alive connection (the usual case: one connection per endpoint) and with a
new connection per POST (where the check runs), for a literal address and for `localhost`
(resolved through /etc/hosts, so nothing leaves the machine).

Run: .venv/bin/python -m bench.webhook_transport [--posts 2000] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from okrank.api.webhooks.address_policy import AddressPolicy, parse_networks
from okrank.api.webhooks.transport import VettedTransport

LOOPBACK = AddressPolicy(parse_networks("127.0.0.0/8,::1"))


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A minimal HTTP/1.1 receiver: 204 to every POST, keeping the connection open."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
        pass  # the client closed, or the benchmark ends
    finally:
        writer.close()


async def run(
    transport: httpx.AsyncBaseTransport, url: str, posts: int, keep_alive: bool
) -> tuple[list[float], float]:
    """Latencies (ms) of `posts` sequential POSTs, and the process CPU they took (s): client
    and receiver share the process, so the difference between transports is the client's."""
    headers = {} if keep_alive else {"Connection": "close"}
    body = b'{"changes": []}'
    took: list[float] = []
    cpu = time.process_time()
    async with httpx.AsyncClient(transport=transport, trust_env=False, timeout=5) as http:
        for _ in range(posts):
            started = time.perf_counter()
            response = await http.post(url, content=body, headers=headers)
            took.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 204
    return took, time.process_time() - cpu


async def main(posts: int, rounds: int) -> dict[str, dict[str, float]]:
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    cases = {
        f"{kind} {host} {'kept-alive' if keep else 'new connection'}": (kind, host, keep)
        for host in ("127.0.0.1", "localhost")
        for keep in (True, False)
        for kind in ("httpx", "vetted")
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, float] = dict.fromkeys(cases, 0.0)
    try:
        for _ in range(rounds):  # alternate, so drift on a shared machine hits every case
            for name, (kind, host, keep) in cases.items():
                transport = (
                    VettedTransport(LOOPBACK) if kind == "vetted" else httpx.AsyncHTTPTransport()
                )
                took, seconds = await run(transport, f"http://{host}:{port}/hook", posts, keep)
                samples[name] += took
                cpu[name] += seconds
    finally:
        server.close()
        await server.wait_closed()
    return {
        name: {
            "posts": len(v),
            "p50_ms": round(statistics.median(v), 3),
            "mean_ms": round(statistics.fmean(v), 3),
            "cpu_us_per_post": round(cpu[name] / len(v) * 1e6, 1),
        }
        for name, v in samples.items()
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    posts = 200 if args.quick else args.posts
    figures = asyncio.run(main(posts, args.rounds))
    for name, f in figures.items():
        print(
            f"{name:40} p50 {f['p50_ms']:7.3f} ms  mean {f['mean_ms']:7.3f} ms"
            f"  CPU {f['cpu_us_per_post']:7.1f} µs/POST  ({f['posts']})"
        )
    print(json.dumps(figures))
