"""Timed rounds shared by the read benchmarks: probes alternated round by round (the machines
are shared and noisy), and their figures printed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

from bench.common import summary, timed_load

RequestMaker = Callable[[int], tuple[str, dict[str, Any]]]  # n → (path, body) of request n
Probe = tuple[str, RequestMaker, Callable[[httpx.Response], None]]


def graphql(query: str, variables: dict[str, Any] | None = None, **cycling: Any) -> RequestMaker:
    """Request n: `query` POSTed to /graphql with `variables` and, of each list in `cycling`,
    its n-th value (round robin: every objective's ranking in turn, say)."""

    def make(n: int) -> tuple[str, dict[str, Any]]:
        turn = {name: values[n % len(values)] for name, values in cycling.items()}
        return "/graphql", {"query": query, "variables": {**(variables or {}), **turn}}

    return make


def alternating(
    probes: dict[str, Probe],
    concurrencies: tuple[int, ...],
    rounds: int,
    seconds_per_round: float,
    headers: dict[str, str],
) -> dict[str, dict[str, float]]:
    """Each probe (server url, request maker, check) timed at each concurrency, in `rounds`
    that alternate them (the machines are shared and noisy): `<name>_c<concurrency>` → its
    summary over every round."""
    figures = {}
    for concurrency in concurrencies:
        runs: dict[str, list[tuple[list[float], float]]] = {name: [] for name in probes}
        for _ in range(rounds):
            for name, (url, make, check) in probes.items():
                load_ = timed_load(url, make, concurrency, seconds_per_round, headers, check)
                runs[name].append(asyncio.run(load_))
        for name, taken in runs.items():
            figures[f"{name}_c{concurrency}"] = summary(
                [ms for latencies, _ in taken for ms in latencies],
                sum(seconds for _, seconds in taken),
            )
    return figures


def print_figures(
    figures: dict[str, Any], names: tuple[str, ...], concurrencies: tuple[int, ...]
) -> None:
    """A line per concurrency (each probe's rate, p50 and p99), then every figure as JSON."""
    for c in concurrencies:
        line = [f"{c} client(s):"]
        for name in names:
            f = figures[f"{name}_c{c}"]
            line.append(
                f"{name} {f['rps']:,.0f} req/s (p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms)"
            )
        print(" | ".join(line))
    print(json.dumps(figures))
