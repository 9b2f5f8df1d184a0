"""Waiting on a signal: poll a condition until it holds or a deadline passes. Tests never sleep
a fixed time to wait for something; they name the condition they wait for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.02  # how often a condition is asked again; not a wait for anything


def wait_until(
    condition: Callable[[], T],
    timeout: float = 20,
    what: str = "condition",
    every: float = POLL_SECONDS,
) -> T:
    """The condition's first truthy value, asked every `every` seconds until `timeout` seconds
    have passed (a condition that costs a request or a process asks less often)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(every)


async def wait_until_async(
    condition: Callable[[], Awaitable[T]], timeout: float = 20, what: str = "condition"
) -> T:
    """`wait_until` for a condition that is itself awaited, without blocking the event loop."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(POLL_SECONDS)
