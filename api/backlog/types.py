"""GraphQL types of the backlog: items, their score inputs and their OKR tags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import history_field
from okrank.api.coverage.effort_types import EstimatedEffort
from okrank.api.graphql.ids import to_global_id
from okrank.api.graphql.node import Node, load_node
from okrank.api.graphql.pagination import connection_types
from okrank.api.okrs.types import KeyResult, Objective, load_key_result
from okrank.api.rankings.enums import TIERS, TagTierEnum
from okrank.domain.backlog.item import ItemKind, ItemStatus, TriageDecision
from okrank.domain.coverage.effort import estimated_effort
from okrank.domain.okrs.objective import ObjectiveStatus
from okrank.domain.rankings.eligibility import is_eligible

# Stored value -> enum member, for rows read by the thousand (a dict lookup; calling the enum
# class costs ~1 µs).
KINDS = {m.value: m for m in ItemKind}
STATUSES = {m.value: m for m in ItemStatus}

ItemKindEnum = strawberry.enum(
    ItemKind, name="ItemKind", description="What kind of work a backlog item is."
)
ItemStatusEnum = strawberry.enum(
    ItemStatus, name="ItemStatus", description="Where a backlog item stands."
)
TriageDecisionEnum = strawberry.enum(
    TriageDecision,
    name="TriageDecision",
    description="The OKR filter: will this help achieve a key result? YES → BACKLOG (the item "
    "must be tagged), NO → NOT_NOW (kept, not deleted), MAYBE → DISCOVERY (a learning activity).",
)


@strawberry.type(description="RICE inputs of an item.")
class RiceInputs:
    reach: float = strawberry.field(description="People or events affected per period (≥ 0).")
    impact: float = strawberry.field(description="One of 3, 2, 1, 0.5, 0.25.")
    confidence: float = strawberry.field(description="In (0, 1].")
    effort: float = strawberry.field(description="Person-months or points (> 0).")


@strawberry.type(description="WSJF inputs of an item, each on 1, 2, 3, 5, 8, 13, 20.")
class WsjfInputs:
    business_value: int = strawberry.field(description="User/business value.")
    time_criticality: int = strawberry.field(description="How value decays with delay.")
    risk_reduction: int = strawberry.field(description="Risk reduction or opportunity enablement.")
    job_size: int = strawberry.field(description="Relative size of the job.")


@strawberry.type(description="A link from an item to an objective (optionally one key result).")
class OkrTag:
    tier: TagTierEnum = strawberry.field(description="DIRECT or INDIRECT.")
    tagged_at: datetime = strawberry.field(description="When the tag got its current state.")
    tagged_by: str = strawberry.field(description="Subject who set the current state.")
    reason: str = strawberry.field(description="Why, in the actor's words.")
    row: strawberry.Private[Any]

    @strawberry.field(description="The objective the item is tagged to.")
    async def objective(self, info: Info) -> Objective:
        loaders = info.context.loaders_for(self.row)
        return Objective.from_row(await loaders.objective.load(self.row["objective_id"]))

    @strawberry.field(description="The key result the item moves, if the tag names one.")
    async def key_result(self, info: Info) -> KeyResult | None:
        loaders = info.context.loaders_for(self.row)
        return await load_key_result(
            info, self.row["objective_id"], self.row["key_result_id"], loaders
        )


def _rice(r: Any) -> RiceInputs | None:
    if r["rice_score"] is None:
        return None
    return RiceInputs(
        reach=r["reach"], impact=r["impact"], confidence=r["confidence"], effort=r["effort"]
    )


def _wsjf(r: Any) -> WsjfInputs | None:
    if r["wsjf_score"] is None:
        return None
    return WsjfInputs(
        business_value=r["business_value"],
        time_criticality=r["time_criticality"],
        risk_reduction=r["risk_reduction"],
        job_size=r["job_size"],
    )


# Each BacklogItem attribute from its read-model row: the one mapping of both the eager item
# (from_row) and the lazy one (reading).
ROW_VALUES: dict[str, Callable[[Any], Any]] = {
    "id": lambda r: to_global_id("BacklogItem", r["id"]),  # strawberry.ID is str at run time
    "title": itemgetter("title"),
    "description": itemgetter("description"),
    "kind": lambda r: KINDS[r["kind"]],
    "status": lambda r: STATUSES[r["status"]],
    "rice": _rice,
    "rice_score": itemgetter("rice_score"),
    "wsjf": _wsjf,
    "wsjf_score": itemgetter("wsjf_score"),
    "non_strategic_justification": lambda r: r["justification"] or None,
    "version": itemgetter("version"),
    "created_at": itemgetter("created_at"),
    "created_by": itemgetter("created_by"),
    "updated_at": itemgetter("updated_at"),
    "external_key": lambda r: r.get("external_key") or None,
    "labels": lambda r: list(r.get("labels") or ()),
    "team": lambda r: r.get("team") or None,
}


@strawberry.type(description="A piece of work in the backlog, its score inputs and its OKR tags.")
class BacklogItem(Node):
    title: str = strawberry.field(description="Short name of the work.")
    description: str = strawberry.field(description="Details.")
    kind: ItemKindEnum = strawberry.field(description="FEATURE, TECH_DEBT, BUG or DISCOVERY.")
    status: ItemStatusEnum = strawberry.field(description="Where the item stands.")
    rice: RiceInputs | None = strawberry.field(description="RICE inputs, if scored.")
    rice_score: float | None = strawberry.field(description="reach × impact × confidence / effort.")
    wsjf: WsjfInputs | None = strawberry.field(description="WSJF inputs, if scored.")
    wsjf_score: float | None = strawberry.field(
        description="(business value + time criticality + risk reduction) / job size."
    )
    non_strategic_justification: str | None = strawberry.field(
        description="Why an untagged item is necessary anyway; makes it eligible for planning."
    )
    version: int = strawberry.field(description="Aggregate version; pass as `expectedVersion`.")
    created_at: datetime = strawberry.field(description="When the item was created.")
    created_by: str = strawberry.field(description="Subject who created it.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    external_key: str | None = strawberry.field(
        description="Its key in the tracker it was imported from (importBacklogItems), if any."
    )
    labels: list[str] = strawberry.field(
        description="Labels from the tracker it was imported from."
    )
    team: str | None = strawberry.field(
        description="The team whose backlog the item is in, or null if none."
    )
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> BacklogItem:
        return cls(**{name: value(r) for name, value in ROW_VALUES.items()}, row=r)

    @classmethod
    def reading(cls, r: Any) -> BacklogItem:
        """The item of row `r`, each field read from the row only when the response asks for
        it (a ranking page's 50 items, of which a query selects a few fields): the row may
        then hold only the columns of the selected fields (reads.item_columns)."""
        return RowBacklogItem(r)

    history = history_field(lambda item, info: item.row["id"])

    @strawberry.field(
        description="The estimate that stands for its effort in coverage: RICE effort, else "
        "WSJF job size, else none."
    )
    def estimated_effort(self) -> EstimatedEffort:
        e = estimated_effort(self.row.get("effort"), self.row.get("job_size"))
        return EstimatedEffort(measure=e.measure, value=e.value)

    @strawberry.field(description="OKR tags, oldest first.")
    async def tags(self, info: Info) -> list[OkrTag]:
        rows = await info.context.loaders_for(self.row).tags.load(self.row["id"])
        return [
            OkrTag(
                tier=TIERS[r["tier"]],
                tagged_at=r["tagged_at"],
                tagged_by=r["tagged_by"],
                reason=r["reason"],
                row=r,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Eligible for planning: tagged to an ACTIVE objective, or justified as "
        "necessary but non-strategic."
    )
    async def eligible(self, info: Info) -> bool:
        justified = bool(self.row["justification"])
        # The rule reads the tags only when the item is not justified: load them only then.
        loaders = info.context.loaders_for(self.row)
        tags = () if justified else await loaders.tags.load(self.row["id"])
        return is_eligible(
            justified, (t["objective_status"] == ObjectiveStatus.ACTIVE for t in tags)
        )


class RowBacklogItem(BacklogItem):
    """BacklogItem.reading's item: the row only, each field a property over it (the class is
    BacklogItem to the schema, its fields plain attribute reads to the executor)."""

    def __init__(self, row: Any) -> None:  # not the dataclass one: the fields are properties
        self.row = row


for _name, _value in ROW_VALUES.items():
    setattr(RowBacklogItem, _name, property(lambda item, value=_value: value(item.row)))


def item_global_id(item_id: UUID | str) -> strawberry.ID:
    """The global ID of a backlog item, from its UUID (or the UUID's string, as stored in JSON)."""
    return strawberry.ID(to_global_id("BacklogItem", UUID(str(item_id))))


async def load_backlog_item(info: Info, item_id: UUID | None) -> BacklogItem | None:
    """A backlog item of the caller's workspace (through the request's loader), or None."""
    return await load_node(info.context.loaders.item, item_id, BacklogItem.from_row)


BacklogItemEdge, BacklogItemConnection = connection_types(
    BacklogItem,
    page_about="A page of backlog items, oldest first.",
    edge_about="An edge of a backlog item list.",
    node_is="The item.",
    edges_are="Items of this page.",
)
