"""The outcome audit read from real read models (api.reviews.facts): the items of the scope done
in the cycle, their tags as they stood when each was done (a later untag or retag changes
nothing), and the key results' check-ins before and after."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg

from okrank.api.reviews.facts import outcome_audit
from okrank.domain.application import Actor
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    RetagBacklogItem,
    TagBacklogItem,
    UntagBacklogItem,
)
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CheckInKeyResult,
    CreateObjective,
)
from okrank.domain.okrs.cycles import current_quarter
from okrank.domain.rankings.scoring import Tier
from tests.support.read_models import project_until_caught_up

OWNER = Actor("ws", "olivia")


def audit_of(url: str, team: str, cycle: str) -> Any:
    async def read() -> Any:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            return await outcome_audit(pool, "ws", team, cycle, 0, datetime.now(UTC))
        finally:
            await pool.close()

    return asyncio.run(read())


def test_the_audit_reads_done_items_with_their_tags_at_completion_and_the_check_ins(app_and_url):
    app, url = app_and_url
    cycle = current_quarter()  # items are done now, so in this cycle
    run = app.execute
    objective = run(OWNER, CreateObjective(cycle, "Activation", team="Growth")).aggregate_id
    run(OWNER, AddKeyResult(objective, "activation %", 20, 40))
    run(OWNER, AddKeyResult(objective, "churn %", 10, 5))
    run(OWNER, ActivateObjective(objective))
    up, down = (k.id for k in app.repository.get(objective).key_results)
    run(OWNER, CheckInKeyResult(objective, up, 24, 0.5))
    shipped = run(OWNER, CreateBacklogItem("Signup", team="Growth")).aggregate_id
    flat = run(OWNER, CreateBacklogItem("Banner", team="Growth")).aggregate_id
    elsewhere = run(OWNER, CreateBacklogItem("Other team", team="Core")).aggregate_id
    open_item = run(OWNER, CreateBacklogItem("Not done", team="Growth")).aggregate_id
    run(OWNER, TagBacklogItem(shipped, objective, Tier.DIRECT, "moves signups", up))
    run(OWNER, TagBacklogItem(flat, objective, Tier.INDIRECT, "supports churn", down))
    run(OWNER, TagBacklogItem(elsewhere, objective, Tier.DIRECT, "helps"))
    for item in (shipped, flat, elsewhere):
        run(OWNER, ChangeBacklogItemStatus(item, ItemStatus.DONE))
    # After completion: the tags change and the first key result moves; the second does not.
    run(OWNER, RetagBacklogItem(shipped, objective, Tier.INDIRECT, "re-read", up))
    run(OWNER, UntagBacklogItem(flat, objective, "mistake"))
    run(OWNER, CheckInKeyResult(objective, up, 30, 0.7))
    run(OWNER, CheckInKeyResult(objective, down, 10, 0.4))
    project_until_caught_up(url)
    audit = audit_of(url, "Growth", cycle)
    by_item = {o.item_id: o for o in audit.outcomes}
    assert set(by_item) == {shipped, flat}  # not the other team's, not the open one
    assert open_item not in by_item
    (moved,) = by_item[shipped].movements
    assert (moved.key_result_id, moved.tier) == (up, "DIRECT")  # the tag when it was done
    assert (moved.value_at_completion, moved.value_at_window_end) == (24, 30) and moved.moved
    (still,) = by_item[flat].movements
    assert (still.key_result_id, still.tier, still.moved) == (down, "INDIRECT", False)
    assert by_item[flat].reassess and not by_item[shipped].reassess
    assert [(a.objective_id, a.grade) for a in audit.objectives] == [(objective, (0.5 + 0) / 2)]
    assert audit.provisional  # the cycle is still running
    whole = audit_of(url, "", cycle)
    assert {o.item_id for o in whole.outcomes} == {shipped, flat, elsewhere}
    wide = next(o for o in whole.outcomes if o.item_id == elsewhere)
    assert {m.key_result_id for m in wide.movements} == {up, down}  # the objective as a whole
