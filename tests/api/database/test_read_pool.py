"""The read pool (api/database/read_pool.py) against a real PostgreSQL: first come, first
served; a connection whose statement was interrupted, or left inside a transaction, is
replaced; one that PostgreSQL answered with an error, or whose caller failed between
statements, is reused; a cancelled waiter loses no connection; a closed pool says so."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from okrank.api.database.read_pool import ReadPool

PID = "SELECT pg_backend_pid()"


async def until_waiting(pool: ReadPool, count: int) -> None:
    """Let the started tasks run until `count` of them wait for a connection."""
    for _ in range(1000):
        if pool.waiting == count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{pool.waiting} waiting, not {count}")


def run(url: str, scenario: Any, **options: Any) -> Any:
    async def main() -> Any:
        pool = await ReadPool.open(url, **{"max_size": 1, "min_size": 1, **options})
        try:
            return await asyncio.wait_for(scenario(pool), timeout=30)
        finally:
            await pool.close()

    return asyncio.run(main())


@pytest.fixture
def url(make_database: Any) -> str:
    return make_database()


def test_waiters_get_the_connection_in_arrival_order_and_none_is_overtaken(url):
    async def scenario(pool: ReadPool) -> list[str]:
        served: list[str] = []

        async def read(name: str) -> None:
            await pool.fetchval("SELECT 1")
            served.append(name)

        async with pool.acquire():
            waiters = [asyncio.create_task(read(name)) for name in "abc"]
            await until_waiting(pool, 3)
        # released: "a" holds the connection's hand-over; a newcomer now queues behind c
        late = asyncio.create_task(read("late"))
        await asyncio.gather(*waiters, late)
        return served

    assert run(url, scenario) == ["a", "b", "c", "late"]


def test_a_statement_interrupted_by_a_timeout_gets_a_new_connection(url):
    async def scenario(pool: ReadPool) -> tuple[int, int, int]:
        before = await pool.fetchval(PID)
        with pytest.raises(TimeoutError):
            await pool.fetch("SELECT pg_sleep(30)", timeout=0.2)
        after = await pool.fetchval(PID)
        return before, after, pool.size

    before, after, size = run(url, scenario)
    assert before != after and size == 1


def test_a_postgresql_error_and_the_callers_own_error_keep_the_connection(url):
    async def scenario(pool: ReadPool) -> set[int]:
        pids = {await pool.fetchval(PID)}
        with pytest.raises(asyncpg.DivisionByZeroError):
            await pool.fetchval("SELECT 1 / 0")
        pids.add(await pool.fetchval(PID))
        with pytest.raises(LookupError):
            async with pool.acquire() as conn:
                pids.add(await conn.fetchval(PID))
                raise LookupError("not found")
        pids.add(await pool.fetchval(PID))
        return pids

    assert len(run(url, scenario)) == 1


def test_a_connection_left_inside_a_transaction_is_not_handed_out_again(url):
    async def scenario(pool: ReadPool) -> tuple[int, int, bool]:
        async with pool.acquire() as conn:
            before = await conn.fetchval(PID)
            await conn.execute("BEGIN")
        async with pool.acquire() as conn:
            return before, await conn.fetchval(PID), conn.is_in_transaction()

    before, after, in_transaction = run(url, scenario)
    assert before != after and not in_transaction


def test_a_cancelled_waiter_loses_no_connection(url):
    async def scenario(pool: ReadPool) -> tuple[int, int]:
        async with pool.acquire():
            waiter = asyncio.create_task(pool.fetchval("SELECT 1"))
            await until_waiting(pool, 1)
            waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return await pool.fetchval("SELECT 2"), pool.size

    assert run(url, scenario) == (2, 1)


def test_a_waiter_cancelled_as_the_connection_reaches_it_passes_it_on(url):
    async def scenario(pool: ReadPool) -> int:
        async with pool.acquire():
            first = asyncio.create_task(pool.fetchval("SELECT 1"))
            second = asyncio.create_task(pool.fetchval("SELECT 2"))
            await until_waiting(pool, 2)
        first.cancel()  # the connection was handed to it; it has not run yet
        with pytest.raises(asyncio.CancelledError):
            await first
        return await second

    assert run(url, scenario) == 2


def test_a_connection_the_server_ended_is_replaced(url):
    async def scenario(pool: ReadPool) -> tuple[int, int]:
        gone = asyncio.Event()
        async with pool.acquire() as conn:
            before = await conn.fetchval(PID)
            conn.add_termination_listener(lambda _: gone.set())
        other = await asyncpg.connect(url)
        try:
            await other.execute("SELECT pg_terminate_backend($1)", before)
        finally:
            await other.close()
        await gone.wait()
        return before, await pool.fetchval(PID)

    before, after = run(url, scenario)
    assert before != after


def test_a_freed_place_goes_to_the_oldest_waiter(url):
    async def scenario(pool: ReadPool) -> tuple[list[Any], int]:
        async with pool.acquire() as conn:
            waiters = [asyncio.create_task(pool.fetchval("SELECT 1")) for _ in range(2)]
            await until_waiting(pool, 2)
            await conn.execute("BEGIN")  # comes back unusable: its place is opened anew
        return await asyncio.gather(*waiters), pool.size

    assert run(url, scenario) == ([1, 1], 1)


def test_a_closed_pool_refuses_waiters_and_new_callers(url):
    async def scenario(pool: ReadPool) -> None:
        async with pool.acquire():
            waiter = asyncio.create_task(pool.fetchval("SELECT 1"))
            await until_waiting(pool, 1)
            await pool.close()
            with pytest.raises(asyncpg.InterfaceError):
                await waiter
        with pytest.raises(asyncpg.InterfaceError):
            await pool.fetchval("SELECT 1")
        assert pool.size == 0

    run(url, scenario)


def test_the_pool_opens_at_most_its_size_and_keeps_them(url):
    async def scenario(pool: ReadPool) -> tuple[int, set[int]]:
        pids = await asyncio.gather(*(pool.fetchval(PID) for _ in range(20)))
        return pool.size, set(pids)

    size, pids = run(url, scenario, max_size=3, min_size=0)
    assert size <= 3 and 1 <= len(pids) <= 3
