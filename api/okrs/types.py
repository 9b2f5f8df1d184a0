"""GraphQL types of OKRs: objectives and their key results."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import history_field
from okrank.api.graphql.node import Node, aggregate_fields, load_node
from okrank.api.graphql.pagination import list_types
from okrank.api.graphql.rows import from_row
from okrank.api.okrs import reads
from okrank.api.okrs.check_ins import CheckInConnection, check_ins_connection
from okrank.api.okrs.hygiene import OkrWarning, objective_warnings
from okrank.domain.okrs.grading import grade, mean_grade, progress
from okrank.domain.okrs.hygiene import WarningCode
from okrank.domain.okrs.objective import ObjectiveLevel, ObjectiveStatus

if TYPE_CHECKING:
    from okrank.api.graphql.context import Loaders

ObjectiveLevelEnum = strawberry.enum(
    ObjectiveLevel, name="ObjectiveLevel", description="Where an objective sits."
)
ObjectiveStatusEnum = strawberry.enum(
    ObjectiveStatus,
    name="ObjectiveStatus",
    description="Lifecycle of an objective: DRAFT → ACTIVE → CLOSED (or ARCHIVED).",
)


GRADE_MEANING = (
    "OKRs are stretch goals: 0.7 is a good grade, not a failure; 1.0 every quarter means the "
    "targets were too safe."
)


@strawberry.type(description="A measurable outcome of an objective.")
class KeyResult(Node):
    metric: str = strawberry.field(description="What is measured, e.g. 'weekly active teams'.")
    unit: str = strawberry.field(description="Unit of the metric, e.g. '%'.")
    baseline: float = strawberry.field(description="Value at the start of the cycle.")
    target: float = strawberry.field(
        description="Value that counts as fully achieved (below the baseline for a key result "
        "that aims down, e.g. churn)."
    )
    output_style: bool = strawberry.field(
        description="Flagged as output-style ('launch 3 features') rather than an outcome."
    )
    created_at: datetime = strawberry.field(description="When the key result was added.")
    current_value: float | None = strawberry.field(
        description="The value of the latest check-in; null before the first."
    )
    progress: float | None = strawberry.field(
        description="Unclamped share of the way from baseline to target at the latest check-in: "
        "(currentValue − baseline) / (target − baseline), aiming up or down; above 1 when "
        "overshot, below 0 when it moved the wrong way; null before the first check-in."
    )
    grade: float = strawberry.field(
        description="`progress` clamped to 0.0–1.0 (0 before the first check-in). " + GRADE_MEANING
    )
    confidence: float | None = strawberry.field(
        description="The team's confidence (0–1) at the latest check-in; null before the first."
    )
    last_check_in_at: datetime | None = strawberry.field(
        description="When it was last checked in; null if never."
    )
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> KeyResult:
        value = r["current_value"]
        return from_row(
            cls,
            r,
            progress=None if value is None else progress(r["baseline"], r["target"], value),
            grade=key_result_grade(r),
        )

    @strawberry.field(description="Its check-ins, newest first.")
    async def check_ins(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> CheckInConnection:
        loaders = info.context.loaders_for(self.row)
        return await check_ins_connection(info, loaders, self.row["id"], first, after)


def key_result_grade(r: Any) -> float:
    return grade(r["baseline"], r["target"], r["current_value"])


async def load_key_result(
    info: Info,
    objective_id: UUID | None,
    key_result_id: UUID | None,
    loaders: Loaders | None = None,
) -> KeyResult | None:
    """One key result of an objective (through the objective's key-results loader: `loaders`,
    or the request's live ones), if named."""
    if objective_id is None or key_result_id is None:
        return None
    rows = await (loaders or info.context.loaders).key_results.load(objective_id)
    match = next((r for r in rows if r["id"] == key_result_id), None)
    return KeyResult.from_row(match) if match else None


async def key_result_node(info: Info, key_result_id: UUID) -> KeyResult | None:
    """A key result of the caller's workspace by its own ID (`node(id:)`), or None."""
    ctx = info.context
    objective_id = await reads.objective_of_key_result(ctx.pool, ctx.workspace, key_result_id)
    return await load_key_result(info, objective_id, key_result_id)


@strawberry.type(description="A qualitative, time-bound goal of a team or the company.")
@aggregate_fields(created_at="When the objective was created.")
class Objective(Node):
    cycle: str = strawberry.field(description="OKR period: a quarter (2026-Q3) or a year (2026).")
    title: str = strawberry.field(description="The objective's statement.")
    description: str = strawberry.field(description="Context and intent.")
    level: ObjectiveLevelEnum = strawberry.field(description="COMPANY or TEAM.")
    team: str = strawberry.field(description="Owning team ('' for none).")
    status: ObjectiveStatusEnum = strawberry.field(description="Lifecycle state.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Objective:
        return from_row(
            cls, r, level=ObjectiveLevel(r["level"]), status=ObjectiveStatus(r["status"])
        )

    history = history_field(lambda objective, info: objective.row["id"])

    @strawberry.field(description="The parent objective this one aligns to, if any.")
    async def parent(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["parent_id"], info.context.loaders_for(self.row))

    @strawberry.field(description="Key results in the order they were added.")
    async def key_results(self, info: Info) -> list[KeyResult]:
        rows = await info.context.loaders_for(self.row).key_results.load(self.row["id"])
        return [KeyResult.from_row(r) for r in rows]

    @strawberry.field(
        description="Mean of its key results' grades, 0.0–1.0 (a key result never checked in "
        "counts 0); null without key results. " + GRADE_MEANING
    )
    async def grade(self, info: Info) -> float | None:
        rows = await info.context.loaders_for(self.row).key_results.load(self.row["id"])
        return mean_grade([key_result_grade(r) for r in rows])

    @strawberry.field(
        description="OKR hygiene warnings of the objective (and of its team's cycle), each with "
        "a code and a message: see OkrWarningCode."
    )
    async def hygiene(self, info: Info) -> list[OkrWarning]:
        rows = await info.context.loaders_for(self.row).key_results.load(self.row["id"])
        return [
            OkrWarning.of(w)
            for w in await objective_warnings(info.context.loaders_for(self.row), self.row, rows)
        ]

    @strawberry.field(
        description="Health warnings: more than 5 key results on the objective, or more than 8 "
        "active key results in the team's cycle.",
        deprecation_reason="Use `hygiene`: every warning, with a code.",
    )
    async def warnings(self, info: Info) -> list[str]:
        rows = await info.context.loaders_for(self.row).key_results.load(self.row["id"])
        warnings = await objective_warnings(info.context.loaders_for(self.row), self.row, rows)
        return [w.message for w in warnings if w.code in LEGACY_WARNINGS]


# What `Objective.warnings` reported before `hygiene`, and still does.
LEGACY_WARNINGS = frozenset(
    {WarningCode.TOO_MANY_KEY_RESULTS, WarningCode.TEAM_TOO_MANY_ACTIVE_KEY_RESULTS}
)


async def load_objective(
    info: Info, objective_id: UUID | None, loaders: Loaders | None = None
) -> Objective | None:
    """An objective of the caller's workspace (through `loaders`, or the request's live
    ones), or None."""
    loader = (loaders or info.context.loaders).objective
    return await load_node(loader, objective_id, Objective.from_row)


ObjectiveEdge, ObjectiveConnection = list_types(
    Objective, "objective", page_about="A page of objectives, oldest first."
)
