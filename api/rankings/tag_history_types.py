"""GraphQL types of the tag history: who tagged, retagged, untagged or justified what, and why."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem
from okrank.api.graphql.node import Node
from okrank.api.graphql.pagination import connection_types
from okrank.api.graphql.rows import from_row, node_id
from okrank.api.okrs.types import KeyResult, Objective, load_key_result, load_objective
from okrank.api.rankings.enums import TIERS, OptionalTagTier


@strawberry.enum(description="What a tag-history entry records.")
class TagAction(Enum):
    TAGGED = "TAGGED"
    RETAGGED = "RETAGGED"
    UNTAGGED = "UNTAGGED"
    JUSTIFIED = "JUSTIFIED"
    JUSTIFICATION_WITHDRAWN = "JUSTIFICATION_WITHDRAWN"


@strawberry.type(description="One tag decision, as recorded: who, what, when and why.")
class TagEvent(Node):
    position: int = strawberry.field(description="Position in the event log (newest highest).")
    action: TagAction = strawberry.field(description="What happened.")
    tier: OptionalTagTier = strawberry.field(description="Tier after the change.")
    previous_tier: OptionalTagTier = strawberry.field(description="Tier before the change.")
    reason: str = strawberry.field(description="The reason (or justification) given.")
    actor: str = strawberry.field(description="Subject who made the change.")
    at: datetime = strawberry.field(description="When.")
    item_version: int = strawberry.field(description="The item's version after the change.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> TagEvent:
        return from_row(
            cls,
            r,
            id=node_id(cls, r["position"]),
            action=TagAction(r["action"]),
            tier=TIERS[r["tier"]] if r["tier"] else None,
            previous_tier=TIERS[r["previous_tier"]] if r["previous_tier"] else None,
        )

    @strawberry.field(description="The item whose tags changed.")
    async def backlog_item(self, info: Info) -> BacklogItem:
        return BacklogItem.from_row(await info.context.loaders.item.load(self.row["item_id"]))

    @strawberry.field(description="The objective concerned (null for justifications).")
    async def objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["objective_id"])

    @strawberry.field(description="The key result named after the change, if any.")
    async def key_result(self, info: Info) -> KeyResult | None:
        return await load_key_result(info, self.row["objective_id"], self.row["key_result_id"])

    @strawberry.field(description="The key result named before the change, if any.")
    async def previous_key_result(self, info: Info) -> KeyResult | None:
        return await load_key_result(
            info, self.row["objective_id"], self.row["previous_key_result_id"]
        )


TagEventEdge, TagEventConnection = connection_types(
    TagEvent,
    page_about="A page of tag history, newest first.",
    edge_about="An edge of the tag history.",
    node_is="The entry.",
    edges_are="Entries of this page.",
    cursor="Cursor; pass as `after` for older entries.",
)
