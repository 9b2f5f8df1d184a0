"""GraphQL object types. Built from read-model rows; related objects load through dataloaders."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from okrank.api.auth import Role
from okrank.api.graphql import reads
from okrank.api.graphql.ids import to_global_id
from okrank.domain.backlog.item import ItemKind, ItemStatus, TriageDecision
from okrank.domain.okrs.objective import HEALTHY_KEY_RESULTS, ObjectiveLevel, ObjectiveStatus
from okrank.domain.rankings.scoring import Method, Tier
from okrank.domain.workspaces.workspace import workspace_id

if TYPE_CHECKING:
    from okrank.api.audit.history import ChangeConnection

HISTORY = (
    "Every recorded change, read from the event store: the event and its fields, actor, time, "
    "reason and log position; oldest first, or newest first with `newestFirst`."
)

# Stored value -> enum member, for rows read by the thousand (a dict lookup; calling the enum
# class costs ~1 µs).
KINDS = {m.value: m for m in ItemKind}
STATUSES = {m.value: m for m in ItemStatus}
TIERS = {m.value: m for m in Tier}

TEAM_CYCLE_ACTIVE_KR_LIMIT = 8

ObjectiveLevelEnum = strawberry.enum(
    ObjectiveLevel, name="ObjectiveLevel", description="Where an objective sits."
)
ObjectiveStatusEnum = strawberry.enum(
    ObjectiveStatus,
    name="ObjectiveStatus",
    description="Lifecycle of an objective: DRAFT → ACTIVE → CLOSED (or ARCHIVED).",
)
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
AlignmentTierEnum = strawberry.enum(
    Tier,
    name="AlignmentTier",
    description="How an item is aligned in a ranking: DIRECT moves a key-result metric, INDIRECT "
    "supports one, UNTAGGED has no tag (in the product ranking: no tag to an ACTIVE objective).",
)
RankingMethodEnum = strawberry.enum(
    Method,
    name="RankingMethod",
    description="The base score: RICE = reach × impact × confidence / effort; WSJF = (business "
    "value + time criticality + risk reduction) / job size.",
)
RoleEnum = strawberry.enum(Role, name="Role", description="What a token's holder may do.")


@strawberry.enum(
    description="A tag's tier: DIRECT moves a key-result metric, INDIRECT supports it."
)
class TagTier(Enum):
    DIRECT = "DIRECT"
    INDIRECT = "INDIRECT"


@strawberry.enum(description="What a tag-history entry records.")
class TagAction(Enum):
    TAGGED = "TAGGED"
    RETAGGED = "RETAGGED"
    UNTAGGED = "UNTAGGED"
    JUSTIFIED = "JUSTIFIED"
    JUSTIFICATION_WITHDRAWN = "JUSTIFICATION_WITHDRAWN"


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global, opaque identifier.")


@strawberry.type(description="Relay pagination state of a connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow `endCursor`.")
    has_previous_page: bool = strawberry.field(
        description="Items precede `startCursor` (true when the page was asked `after` a cursor)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass as `after`."
    )


@strawberry.type(description="A measurable outcome of an objective.")
class KeyResult(Node):
    metric: str = strawberry.field(description="What is measured, e.g. 'weekly active teams'.")
    unit: str = strawberry.field(description="Unit of the metric, e.g. '%'.")
    baseline: float = strawberry.field(description="Value at the start of the cycle.")
    target: float = strawberry.field(description="Value that counts as fully achieved.")
    output_style: bool = strawberry.field(
        description="Flagged as output-style ('launch 3 features') rather than an outcome."
    )
    created_at: datetime = strawberry.field(description="When the key result was added.")

    @classmethod
    def from_row(cls, r: Any) -> KeyResult:
        return cls(
            id=strawberry.ID(to_global_id("KeyResult", r["id"])),
            metric=r["metric"],
            unit=r["unit"],
            baseline=r["baseline"],
            target=r["target"],
            output_style=r["output_style"],
            created_at=r["created_at"],
        )


@strawberry.type(description="A qualitative, time-bound goal of a team or the company.")
class Objective(Node):
    cycle: str = strawberry.field(description="OKR period: a quarter (2026-Q3) or a year (2026).")
    title: str = strawberry.field(description="The objective's statement.")
    description: str = strawberry.field(description="Context and intent.")
    level: ObjectiveLevelEnum = strawberry.field(description="COMPANY or TEAM.")
    team: str = strawberry.field(description="Owning team ('' for none).")
    status: ObjectiveStatusEnum = strawberry.field(description="Lifecycle state.")
    version: int = strawberry.field(description="Aggregate version; pass as `expectedVersion`.")
    created_at: datetime = strawberry.field(description="When the objective was created.")
    created_by: str = strawberry.field(description="Subject who created it.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Objective:
        return cls(
            id=strawberry.ID(to_global_id("Objective", r["id"])),
            cycle=r["cycle"],
            title=r["title"],
            description=r["description"],
            level=ObjectiveLevel(r["level"]),
            team=r["team"],
            status=ObjectiveStatus(r["status"]),
            version=r["version"],
            created_at=r["created_at"],
            created_by=r["created_by"],
            updated_at=r["updated_at"],
            row=r,
        )

    @strawberry.field(description=HISTORY)
    async def history(
        self, info: Info, first: int = 50, after: str | None = None, newest_first: bool = False
    ) -> Annotated[ChangeConnection, strawberry.lazy("okrank.api.audit.history")]:
        from okrank.api.audit.history import entity_history  # it imports this module

        return await entity_history(info, self.row["id"], first, after, newest_first)

    @strawberry.field(description="The parent objective this one aligns to, if any.")
    async def parent(self, info: Info) -> Objective | None:
        if self.row["parent_id"] is None:
            return None
        row = await info.context.loaders.objective.load(self.row["parent_id"])
        return Objective.from_row(row) if row else None

    @strawberry.field(description="Key results in the order they were added.")
    async def key_results(self, info: Info) -> list[KeyResult]:
        rows = await info.context.loaders.key_results.load(self.row["id"])
        return [KeyResult.from_row(r) for r in rows]

    @strawberry.field(
        description="Health warnings: more than 5 key results on the objective, or more than 8 "
        "active key results in the team's cycle."
    )
    async def warnings(self, info: Info) -> list[str]:
        out = []
        count = len(await info.context.loaders.key_results.load(self.row["id"]))
        if count > HEALTHY_KEY_RESULTS:
            out.append(f"{count} key results: more than {HEALTHY_KEY_RESULTS} dilutes focus")
        if self.team:
            active = await reads.team_active_key_results(
                info.context.pool, info.context.workspace, self.team, self.cycle
            )
            if active > TEAM_CYCLE_ACTIVE_KR_LIMIT:
                out.append(
                    f"team {self.team} has {active} active key results in {self.cycle}: "
                    f"more than {TEAM_CYCLE_ACTIVE_KR_LIMIT}"
                )
        return out


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
    tier: TagTier = strawberry.field(description="DIRECT or INDIRECT.")
    tagged_at: datetime = strawberry.field(description="When the tag got its current state.")
    tagged_by: str = strawberry.field(description="Subject who set the current state.")
    reason: str = strawberry.field(description="Why, in the actor's words.")
    row: strawberry.Private[Any]

    @strawberry.field(description="The objective the item is tagged to.")
    async def objective(self, info: Info) -> Objective:
        return Objective.from_row(
            await info.context.loaders.objective.load(self.row["objective_id"])
        )

    @strawberry.field(description="The key result the item moves, if the tag names one.")
    async def key_result(self, info: Info) -> KeyResult | None:
        if self.row["key_result_id"] is None:
            return None
        rows = await info.context.loaders.key_results.load(self.row["objective_id"])
        match = next((r for r in rows if r["id"] == self.row["key_result_id"]), None)
        return KeyResult.from_row(match) if match else None


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
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> BacklogItem:
        rice = wsjf = None
        if r["rice_score"] is not None:
            rice = RiceInputs(
                reach=r["reach"], impact=r["impact"], confidence=r["confidence"], effort=r["effort"]
            )
        if r["wsjf_score"] is not None:
            wsjf = WsjfInputs(
                business_value=r["business_value"],
                time_criticality=r["time_criticality"],
                risk_reduction=r["risk_reduction"],
                job_size=r["job_size"],
            )
        return cls(
            id=strawberry.ID(to_global_id("BacklogItem", r["id"])),
            title=r["title"],
            description=r["description"],
            kind=KINDS[r["kind"]],
            status=STATUSES[r["status"]],
            rice=rice,
            rice_score=r["rice_score"],
            wsjf=wsjf,
            wsjf_score=r["wsjf_score"],
            non_strategic_justification=r["justification"] or None,
            version=r["version"],
            created_at=r["created_at"],
            created_by=r["created_by"],
            updated_at=r["updated_at"],
            external_key=r.get("external_key") or None,
            labels=list(r.get("labels") or ()),
            row=r,
        )

    @strawberry.field(description=HISTORY)
    async def history(
        self, info: Info, first: int = 50, after: str | None = None, newest_first: bool = False
    ) -> Annotated[ChangeConnection, strawberry.lazy("okrank.api.audit.history")]:
        from okrank.api.audit.history import entity_history  # it imports this module

        return await entity_history(info, self.row["id"], first, after, newest_first)

    @strawberry.field(description="OKR tags, oldest first.")
    async def tags(self, info: Info) -> list[OkrTag]:
        rows = await info.context.loaders.tags.load(self.row["id"])
        return [
            OkrTag(
                tier=TagTier(r["tier"]),
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
        if self.row["justification"]:
            return True
        rows = await info.context.loaders.tags.load(self.row["id"])
        return any(r["objective_status"] == "ACTIVE" for r in rows)


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


@strawberry.type(description="An edge of a ranking.")
class RankingEdge:
    cursor: str = strawberry.field(description="Keyset cursor; stays valid as the ranking moves.")
    node: RankingEntry = strawberry.field(description="The entry.")


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
    direct: float = strawberry.field(description="Multiplier of DIRECT (default 2.0).")
    indirect: float = strawberry.field(description="Multiplier of INDIRECT (default 1.0).")
    untagged: float = strawberry.field(description="Multiplier of UNTAGGED (default 0.5).")
    version: int = strawberry.field(description="0 until the first recalibration.")
    updated_at: datetime | None = strawberry.field(description="Last recalibration.")
    updated_by: str | None = strawberry.field(description="Who recalibrated last.")
    reason: str | None = strawberry.field(description="Why, in their words.")

    @classmethod
    def from_row(cls, r: Any | None) -> AlignmentMultipliers:
        if r is None:
            return cls(
                direct=2.0,
                indirect=1.0,
                untagged=0.5,
                version=0,
                updated_at=None,
                updated_by=None,
                reason=None,
            )
        return cls(
            direct=r["direct"],
            indirect=r["indirect"],
            untagged=r["untagged"],
            version=r["version"],
            updated_at=r["updated_at"],
            updated_by=r["updated_by"],
            reason=r["reason"] or None,
        )

    @strawberry.field(description=HISTORY + " Of the workspace: its multipliers' recalibrations.")
    async def history(
        self, info: Info, first: int = 50, after: str | None = None, newest_first: bool = False
    ) -> Annotated[ChangeConnection, strawberry.lazy("okrank.api.audit.history")]:
        from okrank.api.audit.history import entity_history  # it imports this module

        return await entity_history(
            info, workspace_id(info.context.workspace), first, after, newest_first
        )


@strawberry.type(description="One tag decision, as recorded: who, what, when and why.")
class TagEvent(Node):
    position: int = strawberry.field(description="Position in the event log (newest highest).")
    action: TagAction = strawberry.field(description="What happened.")
    tier: TagTier | None = strawberry.field(description="Tier after the change.")
    previous_tier: TagTier | None = strawberry.field(description="Tier before the change.")
    reason: str = strawberry.field(description="The reason (or justification) given.")
    actor: str = strawberry.field(description="Subject who made the change.")
    at: datetime = strawberry.field(description="When.")
    item_version: int = strawberry.field(description="The item's version after the change.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> TagEvent:
        return cls(
            id=strawberry.ID(to_global_id("TagEvent", r["position"])),
            position=r["position"],
            action=TagAction(r["action"]),
            tier=TagTier(r["tier"]) if r["tier"] else None,
            previous_tier=TagTier(r["previous_tier"]) if r["previous_tier"] else None,
            reason=r["reason"],
            actor=r["actor"],
            at=r["at"],
            item_version=r["item_version"],
            row=r,
        )

    @strawberry.field(description="The item whose tags changed.")
    async def backlog_item(self, info: Info) -> BacklogItem:
        return BacklogItem.from_row(await info.context.loaders.item.load(self.row["item_id"]))

    @strawberry.field(description="The objective concerned (null for justifications).")
    async def objective(self, info: Info) -> Objective | None:
        if self.row["objective_id"] is None:
            return None
        return Objective.from_row(
            await info.context.loaders.objective.load(self.row["objective_id"])
        )

    @strawberry.field(description="The key result named after the change, if any.")
    async def key_result(self, info: Info) -> KeyResult | None:
        return await _key_result(info, self.row["objective_id"], self.row["key_result_id"])

    @strawberry.field(description="The key result named before the change, if any.")
    async def previous_key_result(self, info: Info) -> KeyResult | None:
        return await _key_result(info, self.row["objective_id"], self.row["previous_key_result_id"])


async def _key_result(info: Info, objective_id: Any, key_result_id: Any) -> KeyResult | None:
    if objective_id is None or key_result_id is None:
        return None
    rows = await info.context.loaders.key_results.load(objective_id)
    match = next((r for r in rows if r["id"] == key_result_id), None)
    return KeyResult.from_row(match) if match else None


@strawberry.type(description="An edge of the tag history.")
class TagEventEdge:
    cursor: str = strawberry.field(description="Cursor; pass as `after` for older entries.")
    node: TagEvent = strawberry.field(description="The entry.")


@strawberry.type(description="A page of tag history, newest first.")
class TagEventConnection:
    edges: list[TagEventEdge] = strawberry.field(description="Entries of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")


@strawberry.type(description="An edge of an objective list.")
class ObjectiveEdge:
    cursor: str = strawberry.field(description="Cursor; pass as `after`.")
    node: Objective = strawberry.field(description="The objective.")


@strawberry.type(description="A page of objectives, oldest first.")
class ObjectiveConnection:
    edges: list[ObjectiveEdge] = strawberry.field(description="Objectives of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")


@strawberry.type(description="An edge of a backlog item list.")
class BacklogItemEdge:
    cursor: str = strawberry.field(description="Cursor; pass as `after`.")
    node: BacklogItem = strawberry.field(description="The item.")


@strawberry.type(description="A page of backlog items, oldest first.")
class BacklogItemConnection:
    edges: list[BacklogItemEdge] = strawberry.field(description="Items of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")


@strawberry.type(description="Who the token says the caller is.")
class Viewer:
    workspace: str = strawberry.field(description="The workspace every request is scoped to.")
    subject: str = strawberry.field(description="The caller's name, recorded as actor.")
    roles: list[RoleEnum] = strawberry.field(description="What the caller may do.")
