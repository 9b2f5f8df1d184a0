"""check_ins_between (api.okrs.reads), the read a sprint review uses: the check-ins of some
key results in [start, end), oldest first, of the caller's workspace only."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg

from okrank.api.graphql.ids import uuid_of
from okrank.api.okrs.reads import check_ins_between
from tests.support.builders import objective


def check_in(gql, key_result_id, value):
    data = {"keyResultId": key_result_id, "value": value, "confidence": 0.5}
    return gql.mutate("checkInKeyResult", data, "... on CheckInSuccess { checkIn { checkedInAt } }")


async def between(url, workspace, key_results, start, end):
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        rows = await check_ins_between(pool, workspace, key_results, start, end)
        return [(str(r["key_result_id"]), r["value"]) for r in rows]
    finally:
        await pool.close()


def test_the_check_ins_of_some_key_results_in_a_window_oldest_first(
    database_url, gql, client_factory
):
    o = objective(gql, key_results=2)
    a, b = (uuid_of(k["id"], "KeyResult") for k in o["keyResults"])
    ka, kb = (k["id"] for k in o["keyResults"])
    times = [
        datetime.fromisoformat(check_in(gql, kr, v)["checkIn"]["checkedInAt"])
        for kr, v in ((ka, 10), (kb, 20), (ka, 30))
    ]
    stranger = client_factory()
    theirs = objective(stranger, key_results=1)
    check_in(stranger, theirs["keyResults"][0]["id"], 40)

    def run(workspace, ids, start, end):
        return asyncio.run(between(database_url, workspace, ids, start, end))

    late = times[-1] + timedelta(seconds=1)
    assert run(gql.workspace, [a, b], times[0], late) == [(str(a), 10), (str(b), 20), (str(a), 30)]
    assert run(gql.workspace, [a, b], times[0], times[2]) == [
        (str(a), 10),
        (str(b), 20),
    ]  # end excluded
    assert run(gql.workspace, [a], times[1], late) == [(str(a), 30)]
    assert run(stranger.workspace, [a, b], times[0], late) == []
