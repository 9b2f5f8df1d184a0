"""GraphQL types of rankings: an item's place in a ranking, and the alignment multipliers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from okrank.api.audit.history import HISTORY, history_field
from okrank.api.backlog.types import BacklogItem
from okrank.api.graphql.ids import ranking_cursor
from okrank.api.graphql.pagination import PageInfo, edge_type
from okrank.api.rankings.cursors import ranked_cursor
from okrank.api.rankings.enums import AlignmentTierEnum, RankingMethodEnum
from okrank.api.rankings.reads import row_key
from okrank.api.reviews.calibration_ids import review_global_id
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.workspaces.workspace import workspace_id

DEFAULTS = Multipliers()  # the domain's defaults: a workspace that never recalibrated uses them


@strawberry.type(description="An item's place in a ranking, with everything that explains it.")
class RankingEntry:
    rank: int = strawberry.field(description="1-based position in this ranking.")
    backlog_item: BacklogItem = strawberry.field(description="The ranked item.")
    base_score: float | None = strawberry.field(
        description="RICE or WSJF score; null when the item lacks the method's inputs."
    )
    multiplier: float = strawberry.field(description="Alignment multiplier of the tier.")
    tier: AlignmentTierEnum = strawberry.field(
        description="Tier in this scope: the tag for this objective, or (product level) the "
        "best tier across ACTIVE objectives."
    )
    priority: float | None = strawberry.field(description="base score × multiplier.")
    eligible: bool = strawberry.field(
        description="Eligible for planning; ineligible items are ranked but flagged."
    )
    scored: bool = strawberry.field(
        description="False when the item lacks the method's inputs; unscored items follow the "
        "scored ones."
    )


RankingEdge = edge_type(
    RankingEntry,
    name="RankingEdge",
    about="An edge of a ranking.",
    node_is="The entry.",
    cursor="Keyset cursor; stays valid as the ranking moves.",
)


class RankingPageEdge(RankingEdge):
    """A RankingEdge of a page row: its cursor is encoded when read (a page's first and last
    for pageInfo, every one only when the query selects `cursor`). With a `stamp` (the
    catalog's position the rank was read at, and the ranking's tag) the cursor holds the rank
    too (api/rankings/cursors.py)."""

    def __init__(self, node: RankingEntry, row: Any, stamp: tuple[int, str] | None = None) -> None:
        self.node = node  # not the dataclass __init__: no field of the row is copied
        self.row = row
        self.stamp = stamp
        self._cursor: str | None = None

    @property
    def cursor(self) -> str:
        if self._cursor is None:
            if self.stamp is None:
                self._cursor = ranking_cursor(*row_key(self.row))
            else:
                position, tag = self.stamp
                self._cursor = ranked_cursor(row_key(self.row), self.node.rank, position, tag)
        return self._cursor


@strawberry.type(description="A page of a ranking, best first.")
class RankingConnection:
    edges: list[RankingEdge] = strawberry.field(description="Entries of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")
    method: RankingMethodEnum = strawberry.field(description="The base score used.")
    count: strawberry.Private[Any]

    @strawberry.field(description="Number of entries in the whole ranking.")
    async def total_count(self) -> int:
        return await self.count()


@strawberry.type(description="Priority multipliers per alignment tier, for one workspace.")
class AlignmentMultipliers:
    direct: float = strawberry.field(
        description=f"Multiplier of DIRECT (default {DEFAULTS.direct})."
    )
    indirect: float = strawberry.field(
        description=f"Multiplier of INDIRECT (default {DEFAULTS.indirect})."
    )
    untagged: float = strawberry.field(
        description=f"Multiplier of UNTAGGED (default {DEFAULTS.untagged})."
    )
    version: int = strawberry.field(description="0 until the first recalibration.")
    updated_at: datetime | None = strawberry.field(description="Last recalibration.")
    updated_by: str | None = strawberry.field(description="Who recalibrated last.")
    reason: str | None = strawberry.field(description="Why, in their words.")
    evidence_review_ids: list[strawberry.ID] = strawberry.field(
        description="The completed quarterly reviews the last recalibration cited as its "
        "evidence (see alignmentCalibration); empty when it cited none."
    )

    @classmethod
    def from_row(cls, r: Any | None) -> AlignmentMultipliers:
        if r is None:
            return cls(
                direct=DEFAULTS.direct,
                indirect=DEFAULTS.indirect,
                untagged=DEFAULTS.untagged,
                version=0,
                updated_at=None,
                updated_by=None,
                reason=None,
                evidence_review_ids=[],
            )
        return cls(
            direct=r["direct"],
            indirect=r["indirect"],
            untagged=r["untagged"],
            version=r["version"],
            updated_at=r["updated_at"],
            updated_by=r["updated_by"],
            reason=r["reason"] or None,
            evidence_review_ids=[review_global_id(i) for i in r.get("evidence_review_ids") or ()],
        )

    history = history_field(
        lambda _, info: workspace_id(info.context.workspace),
        HISTORY + " Of the workspace: its multipliers' recalibrations.",
    )
