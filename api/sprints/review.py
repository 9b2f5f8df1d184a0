"""The sprint review: "which output and which outcome". The items done in the sprint, the key
results they are tagged to, and those key results' check-ins while the sprint ran (from its
start to its close, or to now while it runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem
from okrank.api.okrs import reads as okr_reads
from okrank.api.okrs.check_ins import CheckIn
from okrank.api.okrs.types import KeyResult
from okrank.api.sprints import reads
from okrank.domain.backlog.item import ItemStatus


@strawberry.type(description="A key result the sprint's done items are tagged to.")
class SprintReviewKeyResult:
    key_result: KeyResult = strawberry.field(description="The key result (the outcome).")
    done_items: list[BacklogItem] = strawberry.field(
        description="The items done in the sprint that are tagged to it (the output)."
    )
    check_ins: list[CheckIn] = strawberry.field(
        description="Its check-ins while the sprint ran, oldest first."
    )


@strawberry.type(description="The sprint review: which output served which outcome.")
class SprintReview:
    window_start: datetime | None = strawberry.field(
        description="When the sprint started (check-ins from then count); null before."
    )
    window_end: datetime | None = strawberry.field(
        description="When it closed (check-ins until then count); null while it runs."
    )
    done_items: list[BacklogItem] = strawberry.field(
        description="Items done in the sprint: DONE at its close (while it runs: DONE now)."
    )
    carried_over_items: list[BacklogItem] = strawberry.field(
        description="Items planned but not done at its close (empty while it runs)."
    )
    key_results: list[SprintReviewKeyResult] = strawberry.field(
        description="The key results the done items are tagged to, each with its check-ins "
        "during the sprint. A tag that names only an objective adds no key result here."
    )


async def sprint_review(info: Info, sprint: Any, planned: list[Any]) -> SprintReview:
    ctx = info.context
    rows = await ctx.loaders.item.load_many([p["item_id"] for p in planned])
    item_of = {r["id"]: r for r in rows if r is not None}
    if sprint["closed_at"] is None:
        done = [i for i in item_of.values() if i["status"] == ItemStatus.DONE.value]
        carried: list[Any] = []
    else:
        outcome = {p["item_id"]: p["outcome"] for p in planned}
        done = [i for i in item_of.values() if outcome[i["id"]] == "DONE"]
        carried = [i for i in item_of.values() if outcome[i["id"]] == "CARRIED_OVER"]
    tagged = await reads.key_results_tagged(ctx.pool, ctx.workspace, [i["id"] for i in done])
    items_of_key_result: dict[Any, list[Any]] = {}
    for t in tagged:
        items_of_key_result.setdefault(t["key_result_id"], []).append(item_of[t["item_id"]])
    key_results = await reads.key_results_by_id(ctx.pool, ctx.workspace, list(items_of_key_result))
    check_ins: dict[Any, list[CheckIn]] = {}
    start, end = sprint["started_at"], sprint["closed_at"]
    if start is not None:
        for c in await okr_reads.check_ins_between(
            ctx.pool, ctx.workspace, list(items_of_key_result), start, end or datetime.now(UTC)
        ):
            check_ins.setdefault(c["key_result_id"], []).append(CheckIn.from_row(c))
    return SprintReview(
        window_start=start,
        window_end=end,
        done_items=[BacklogItem.from_row(i) for i in done],
        carried_over_items=[BacklogItem.from_row(i) for i in carried],
        key_results=[
            SprintReviewKeyResult(
                key_result=KeyResult.from_row(k),
                done_items=[BacklogItem.from_row(i) for i in items_of_key_result[k["id"]]],
                check_ins=check_ins.get(k["id"], []),
            )
            for k in key_results
        ],
    )
