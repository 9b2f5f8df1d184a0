"""A subscriber's mailbox keeps asyncio.Queue's promises for its one reader."""

from __future__ import annotations

import asyncio

import pytest

from okrank.api.subscriptions.mailbox import Mailbox


def test_items_come_out_in_the_order_they_were_put_and_a_full_mailbox_refuses_more() -> None:
    box = Mailbox(3)
    for n in range(3):
        box.put_nowait(n)
    assert box.full() and box.qsize() == 3
    with pytest.raises(asyncio.QueueFull):
        box.put_nowait(3)
    assert [box.get_nowait() for _ in range(3)] == [0, 1, 2]
    assert box.empty() and not box.full()
    with pytest.raises(asyncio.QueueEmpty):
        box.get_nowait()


def test_a_waiting_reader_wakes_for_the_first_item_put_and_a_cancelled_one_leaves_no_waiter() -> (
    None
):
    async def scenario() -> None:
        box = Mailbox(10)
        reader = asyncio.create_task(box.get())
        await asyncio.sleep(0)  # the reader is waiting now
        assert not reader.done()
        box.put_nowait("a")
        box.put_nowait("b")
        assert await reader == "a"
        assert await box.get() == "b"
        waiting = asyncio.create_task(box.get())
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        box.put_nowait("c")  # no stale waiter to wake: the item stays for the next reader
        assert box.qsize() == 1 and await box.get() == "c"

    asyncio.run(scenario())
