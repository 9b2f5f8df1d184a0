"""The live reads' pages, as of a moment: the same rows (catalog columns), from the replayed
workspace (api.asof.state), filtered and ordered as the live SQL filters and orders them."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool

from okrank.api.asof.state import AsOfState
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.okrs.objective import Objective
from okrank.domain.rankings.replayed import ranking

RankingKey = tuple[int, float, float, int, UUID]


async def items_page(
    state: AsOfState,
    status: str | None,
    kind: str | None,
    objective_id: UUID | None,
    tagged: bool | None,
    after_seq: int,
    limit: int,
    team: str | None = None,
) -> list[dict[str, Any]]:
    """As api.backlog.reads.items_page: oldest first, after `after_seq`, all filters matching."""
    rows = []
    for r in await state.of_kind(BacklogItem):
        item: BacklogItem = r.aggregate
        if r.position <= after_seq:
            continue
        if status is not None and item.status != status:
            continue
        if kind is not None and item.kind != kind:
            continue
        if objective_id is not None and objective_id not in item.tags:
            continue
        if tagged is not None and tagged != bool(item.tags):
            continue
        if team is not None and item.team != team:
            continue
        rows.append(state.item_row(r))
        if len(rows) == limit:
            break
    return rows


def _key(entry: Any) -> RankingKey:
    k = entry.sort_key
    return (k[0], k[1], k[2], k[3], UUID(k[4]))


async def ranking_page(
    state: AsOfState,
    scope: UUID | None,
    method: str,
    after: RankingKey | None,
    limit: int,
    eligible_only: bool,
) -> tuple[int, list[dict[str, Any]], int] | None:
    """As api.rankings.reads.ranking_page (rows after the keyset cursor, and how many precede
    them), with the ranking's size; None when `scope` names no objective of the workspace
    then. Ranked by the domain (okrank.domain.rankings.replayed)."""
    found = await state.everything()
    objectives = {i: r.aggregate for i, r in found.items() if isinstance(r.aggregate, Objective)}
    if scope is not None and scope not in objectives:
        return None
    items = {i: r for i, r in found.items() if isinstance(r.aggregate, BacklogItem)}
    wanted = (scope, method, eligible_only)
    if wanted not in state.rankings:
        multipliers, _ = await state.multipliers()
        ranked = ((r.position, r.aggregate) for r in items.values())
        # CPU work over the whole workspace: off the event loop.
        entries = await run_in_threadpool(
            ranking, ranked, objectives, multipliers, scope, method, eligible_only
        )
        keys = await run_in_threadpool(lambda: [_key(e) for e in entries])
        state.rankings[wanted] = (entries, keys)
    entries, keys = state.rankings[wanted]
    before = 0 if after is None else bisect_right(keys, after)
    rows = []
    for entry, key in zip(
        entries[before : before + limit], keys[before : before + limit], strict=True
    ):
        rows.append(
            {
                **state.item_row(items[UUID(entry.item_id)]),
                "base_score": entry.base_score,
                "multiplier": entry.multiplier,
                "tier": entry.tier.value,
                "priority": entry.priority,
                "eligible": entry.eligible,
                "k_unscored": key[0],
                "k_priority": key[1],
                "k_base": key[2],
            }
        )
    return before, rows, len(entries)
