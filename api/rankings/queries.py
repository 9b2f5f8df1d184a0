"""Ranking reads: a ranking page, the alignment multipliers and the tag history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.asof import reads as as_of_reads
from okrank.api.asof.moment import AsOf, as_of_error
from okrank.api.asof.state import state_at
from okrank.api.backlog.reads import ITEM_COLUMNS, item_columns
from okrank.api.backlog.types import BacklogItem
from okrank.api.exercises.privacy import require_results
from okrank.api.exercises.queries import load_exercise
from okrank.api.graphql.arguments import datetime_argument, text_argument
from okrank.api.graphql.ids import (
    bad_input,
    need_uuid,
    not_found,
    to_global_id,
)
from okrank.api.graphql.pagination import after_key, connection, page_info, page_size
from okrank.api.graphql.selection import selected_names
from okrank.api.rankings import reads
from okrank.api.rankings.cursors import decode_after, ranking_tag
from okrank.api.rankings.enums import TIERS, AlignmentTierEnum, RankingMethodEnum
from okrank.api.rankings.tag_history_types import TagEvent, TagEventConnection, TagEventEdge
from okrank.api.rankings.types import (
    AlignmentMultipliers,
    RankingConnection,
    RankingEntry,
    RankingPageEdge,
)
from okrank.domain.rankings.scoring import Method, exercise_method


async def exercise_ranking_key(
    info: Info, exercise_id: strawberry.ID, objective_id: strawberry.ID | None
) -> tuple[str, strawberry.ID]:
    """The method key of a closed exercise's results, and the objective it ranks (the given
    one, which must be the exercise's, or the exercise's own)."""
    eid = need_uuid(exercise_id, "Exercise", "exerciseId")
    require_results(info.context.principal)  # an exercise's ranking is its results
    exercise = await load_exercise(info, eid)
    if exercise is None:
        raise not_found("Exercise", exercise_id)
    if exercise["status"] != "CLOSED":
        raise bad_input("the exercise has no results until it is closed")
    if objective_id is None:
        objective_id = strawberry.ID(to_global_id("Objective", exercise["objective_id"]))
    if need_uuid(objective_id, "Objective", "objectiveId") != exercise["objective_id"]:
        raise bad_input("the exercise belongs to another objective")
    return exercise_method(eid), objective_id


@strawberry.type(description="Ranking reads.")
class RankingQueries:
    @strawberry.field(
        description="A ranking, best first: priority = base score × alignment multiplier. With "
        "`objectiveId`: that objective's tagged items; without: the product-level ranking of "
        "every open item. Ties: higher base score, then older item. Unscored items come last. "
        "`method: EXERCISE` with `exerciseId`: the objective's candidates ranked by that closed "
        "exercise's results (base score = the exercise's score), with the same multipliers; "
        "results are not for a STAKEHOLDER (FORBIDDEN)."
    )
    async def ranking(
        self,
        info: Info,
        objective_id: strawberry.ID | None = None,
        method: RankingMethodEnum = Method.RICE,
        first: int = 50,
        after: str | None = None,
        eligible_only: bool = False,
        exercise_id: strawberry.ID | None = None,
        as_of: AsOf = None,
    ) -> RankingConnection:
        limit = page_size(first)
        ctx = info.context
        method_key: str = method
        if (method == Method.EXERCISE) != (exercise_id is not None):
            raise bad_input("method EXERCISE goes with an exerciseId, and only it")
        if as_of is not None and exercise_id is not None:
            raise as_of_error("is not available for EXERCISE rankings (RICE and WSJF only)")
        if exercise_id is not None:
            method_key, objective_id = await exercise_ranking_key(info, exercise_id, objective_id)
        scope: UUID | None = None
        if objective_id is not None:
            scope = need_uuid(objective_id, "Objective", "objectiveId")
        start = decode_after(after) if after else None
        key = start.key if start else None
        # A cursor's rank holds only in the ranking that issued it (api/rankings/cursors.py).
        tag = ranking_tag(ctx.workspace, scope, method_key, eligible_only)
        position: int | None = None  # the catalog's, when ranks were read from it
        make_item: Callable[[Any], BacklogItem] = BacklogItem.from_row
        total: int | None = None
        if as_of is not None:
            state = await state_at(info, as_of)
            replayed = await as_of_reads.ranking_page(
                state, scope, method_key, key, limit + 1, eligible_only
            )
            page, total = (replayed[:2], replayed[2]) if replayed else (None, None)
            # the live answer's when the catalog stood at the moment's event: the same cursors
            position = state.moment.position
        else:
            entry_names = selected_names(info, ("edges", "node"))
            columns = item_columns(selected_names(info, ("edges", "node", "backlogItem")))
            if columns != ITEM_COLUMNS:  # a few fields selected: read them from the row when asked
                make_item = BacklogItem.reading
            page = await reads.ranking_page(
                ctx.pool,
                ctx.workspace,
                scope,
                method_key,
                key,
                limit + 1,
                eligible_only,
                columns,
                known=start.known_rank(tag) if start else None,
                count="rank" in entry_names,  # counting the entries before costs O(depth)
            )
            if page is not None and page[0] is not None and page[1]:
                position = page[1][0].get("at_position")
        if page is None:
            raise not_found("Objective", objective_id)
        before, rows = page
        stamp = (position, tag) if before is not None and position is not None else None
        edges = []
        for i, r in enumerate(rows[:limit]):
            entry = RankingEntry(
                # no rank selected: none read (0 is never shown), and the cursors hold none
                rank=0 if before is None else before + i + 1,
                backlog_item=make_item(r),
                base_score=r["base_score"],
                multiplier=r["multiplier"],
                tier=TIERS[r["tier"]],
                priority=r["priority"],
                eligible=r["eligible"],
                scored=r["base_score"] is not None,
            )
            edges.append(RankingPageEdge(entry, r, stamp))

        async def count() -> int:
            if total is not None:
                return total
            return await reads.ranking_count(
                ctx.pool, ctx.workspace, scope, method_key, eligible_only
            )

        return RankingConnection(
            edges=edges,
            # the first and last cursors only: the others are encoded if selected
            page_info=page_info(
                [e.cursor for e in edges[:1] + edges[-1:]], len(rows) > limit, after
            ),
            method=method,
            count=count,
        )

    @strawberry.field(
        description="Tag-change history, newest first: of one item, one objective, one actor, "
        "or the whole workspace; `since` inclusive, `until` exclusive. `keyResultId` and "
        "`tier`: the decisions that set that key result or tier, or (retag, untag) took it away."
    )
    async def tag_history(
        self,
        info: Info,
        backlog_item_id: strawberry.ID | None = None,
        objective_id: strawberry.ID | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 50,
        after: str | None = None,
        key_result_id: strawberry.ID | None = None,
        tier: AlignmentTierEnum | None = None,
    ) -> TagEventConnection:
        limit = page_size(first)
        key_result = need_uuid(key_result_id, "KeyResult", "keyResultId") if key_result_id else None
        item = (
            need_uuid(backlog_item_id, "BacklogItem", "backlogItemId") if backlog_item_id else None
        )
        objective = need_uuid(objective_id, "Objective", "objectiveId") if objective_id else None
        rows = await reads.tag_events_page(
            info.context.pool,
            info.context.workspace,
            item,
            objective,
            text_argument("actor", actor),
            datetime_argument("since", since),
            datetime_argument("until", until),
            after_key(after),
            limit + 1,
            key_result,
            tier.value if tier else None,
        )
        return connection(
            TagEventConnection, TagEventEdge, TagEvent.from_row, "position", rows, limit, after
        )

    @strawberry.field(description="The workspace's alignment multipliers.")
    async def alignment_multipliers(self, info: Info, as_of: AsOf = None) -> AlignmentMultipliers:
        if as_of is not None:
            _, row = await (await state_at(info, as_of)).multipliers()
        else:
            row = await reads.multipliers(info.context.pool, info.context.workspace)
        return AlignmentMultipliers.from_row(row)
