"""GraphQL types of stakeholder exercises. Privacy lives in the resolvers here: a participant sees
its own tasks and ballot, never another's; the owner (ADMIN, PRODUCT_OWNER) sees who has
submitted and the history; results appear once the exercise is closed, for every role but
STAKEHOLDER. Who may see what is decided in api/exercises/privacy.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import HISTORY, ChangeConnection, entity_history
from okrank.api.backlog.types import BacklogItem, item_global_id, load_backlog_item
from okrank.api.exercises import reads
from okrank.api.exercises.ballot_types import (
    AllocationView,
    Ballot,
    ExerciseParticipant,
    MaxDiffSet,
    Participation,
)
from okrank.api.exercises.enums import ExerciseAction, ExerciseMethodEnum, ExerciseStatusEnum
from okrank.api.exercises.maxdiff_design_types import MaxDiffDesignDiagnostics
from okrank.api.exercises.maxdiff_export_fields import answers_export, utilities_export
from okrank.api.exercises.maxdiff_result_types import (
    RespondentQuality,
)
from okrank.api.exercises.maxdiff_turf_types import TurfResult, turf_of
from okrank.api.exercises.privacy import (
    INDIVIDUAL_ANSWERS,
    forbidden,
    is_owner,
    reads_records,
    require_results,
)
from okrank.api.exercises.result_types import (
    ExcludedRespondent,
    ExerciseResults,
    ItemUtility,
    RespondentUtilities,
    RespondentUtilitiesConnection,
    RespondentUtilitiesEdge,
    SegmentAgreement,
)
from okrank.api.graphql.ids import decode_cursor
from okrank.api.graphql.node import Node
from okrank.api.graphql.pagination import connection, list_types, page_size
from okrank.api.graphql.rows import from_row
from okrank.api.okrs.types import Objective, load_objective
from okrank.domain.exercises.exercise import ExerciseMethod, ExerciseStatus
from okrank.domain.exercises.methods import agreement


@strawberry.type(description="An item curated into an exercise.")
class ExerciseCandidate:
    price: float | None = strawberry.field(description="Buy a Feature: what it costs to buy.")
    item_id: strawberry.Private[UUID]

    @strawberry.field(description="The backlog item.")
    async def backlog_item(self, info: Info) -> BacklogItem | None:
        return await load_backlog_item(info, self.item_id)


@strawberry.type(description="Agreement with another closed exercise on the same objective.")
class MethodAgreement:
    method: ExerciseMethodEnum = strawberry.field(description="The other exercise's method.")
    common_items: int = strawberry.field(description="Items both exercises scored.")
    spearman: float | None = strawberry.field(
        description="Rank correlation of the two exercises' item scores."
    )
    row: strawberry.Private[Any]

    @strawberry.field(description="The other exercise.")
    def exercise(self) -> Exercise:
        return Exercise.from_row(self.row)


@strawberry.type(description="One step in an exercise's life (owners and AUDITOR).")
class ExerciseHistoryEntry:
    action: ExerciseAction = strawberry.field(description="What happened.")
    actor: str = strawberry.field(description="Who did it.")
    at: datetime = strawberry.field(description="When.")
    subject: str | None = strawberry.field(description="The participant concerned, if any.")
    reason: str = strawberry.field(description="Why (re-scope reasons), or a summary.")
    item_id: strawberry.Private[UUID | None]

    @strawberry.field(description="The candidate concerned, if any.")
    async def backlog_item(self, info: Info) -> BacklogItem | None:
        return await load_backlog_item(info, self.item_id) if self.item_id else None


def _is_owner(info: Info) -> bool:
    return is_owner(info.context.principal)


def _reads_records(info: Info) -> bool:
    return reads_records(info.context.principal)


@strawberry.type(description="OKR-scoped stakeholder input on one objective's candidate items.")
class Exercise(Node):
    method: ExerciseMethodEnum = strawberry.field(description="How input is given.")
    title: str = strawberry.field(description="Title shown to participants.")
    instructions: str = strawberry.field(description="Instructions shown to participants.")
    deadline: datetime | None = strawberry.field(description="When ballots are due, if set.")
    set_size: int = strawberry.field(description="MaxDiff: items per set (3–5).")
    auto_close: bool = strawberry.field(
        description="It closes by itself once the deadline has passed."
    )
    status: ExerciseStatusEnum = strawberry.field(description="DRAFT, OPEN or CLOSED.")
    version: int = strawberry.field(description="Aggregate version; pass as `expectedVersion`.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(description="Who created it (the owner).")
    opened_at: datetime | None = strawberry.field(description="When it opened.")
    closed_at: datetime | None = strawberry.field(description="When it closed.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Exercise:
        return from_row(
            cls,
            r,
            method=ExerciseMethod(r["method"]),
            deadline=datetime.fromisoformat(r["deadline"]) if r["deadline"] else None,
            auto_close=r.get("auto_close", False),
            status=ExerciseStatus(r["status"]),
        )

    @strawberry.field(description="The objective whose key results the candidates serve.")
    async def objective(self, info: Info) -> Objective | None:
        return await load_objective(info, self.row["objective_id"])

    @strawberry.field(description="The candidate items, in the order they were added.")
    async def candidates(self, info: Info) -> list[ExerciseCandidate]:
        rows = await reads.candidates(info.context.pool, info.context.workspace, self.row["id"])
        return [from_row(ExerciseCandidate, r) for r in rows]

    @strawberry.field(
        description="Invited participants and who has submitted (owners and AUDITOR: null and a "
        "FORBIDDEN error for others)."
    )
    async def participants(self, info: Info) -> list[ExerciseParticipant] | None:
        if not _reads_records(info):
            raise forbidden("only the exercise's owners see its participants")
        rows = await reads.participants(info.context.pool, info.context.workspace, self.row["id"])
        return [from_row(ExerciseParticipant, r) for r in rows]

    @strawberry.field(
        description="MaxDiff: balance and D-efficiency of the sets handed out (owners and "
        "AUDITOR: null and a FORBIDDEN error for others; null for other methods or before any "
        "sets exist)."
    )
    async def design_diagnostics(self, info: Info) -> MaxDiffDesignDiagnostics | None:
        if not _reads_records(info):
            raise forbidden("only the exercise's owners see its design diagnostics")
        if self.row["method"] != ExerciseMethod.MAXDIFF.value:
            return None
        ctx = info.context
        return MaxDiffDesignDiagnostics.of(
            await reads.designs(ctx.pool, ctx.workspace, self.row["id"])
        )

    @strawberry.field(
        description="Respondents left out of the results, with the owner's reason (owners and "
        "AUDITOR: null and a FORBIDDEN error for others)."
    )
    def excluded_respondents(self, info: Info) -> list[ExcludedRespondent] | None:
        if not _reads_records(info):
            raise forbidden("only the exercise's owners see excluded respondents")
        excluded = self.row.get("excluded") or {}
        return [ExcludedRespondent(respondent=k, reason=v) for k, v in sorted(excluded.items())]

    @strawberry.field(description="Responses imported from a CSV file (MaxDiff), if any.")
    def imported_responses(self) -> int:
        imported = self.row["imported"]
        return len(imported["rows"]) if imported else 0

    @strawberry.field(description="The caller's tasks and own ballot; null if not invited.")
    async def my_participation(self, info: Info) -> Participation | None:
        ctx = info.context
        r = await reads.participant(ctx.pool, ctx.workspace, self.row["id"], ctx.principal.subject)
        if r is None:
            return None
        sets = [
            MaxDiffSet(index=n, item_ids=[UUID(i) for i in s]) for n, s in enumerate(r["design"])
        ]
        ballot = (
            Ballot.from_json(r["ballot"], r["submitted_at"], r["revisions"])
            if r["ballot"]
            else None
        )
        pooled = []
        if (
            self.row["method"] == ExerciseMethod.BUY_A_FEATURE.value
            and self.row["status"] == ExerciseStatus.OPEN.value
        ):
            pooled = [
                AllocationView(backlog_item_id=item_global_id(i), amount=total)
                for i, total in await reads.pooled_allocations(
                    ctx.pool, ctx.workspace, self.row["id"]
                )
            ]
        return Participation(
            segment=r["segment"], budget=r["budget"], sets=sets, ballot=ballot, pooled=pooled
        )

    def _check_results(self, info: Info) -> bool:
        require_results(info.context.principal)
        return self.row["status"] == ExerciseStatus.CLOSED.value

    @strawberry.field(
        description="Results once CLOSED (null before): of everyone, or of one `segment`."
    )
    async def results(self, info: Info, segment: str | None = None) -> ExerciseResults | None:
        if not self._check_results(info):
            return None
        groups = {g["segment"]: g for g in await reads.groups(info.context.pool, self.row["id"])}
        group = groups.get(segment or "")
        return (
            None if group is None else await ExerciseResults.of_group(info.context, self.row, group)
        )

    @strawberry.field(description="Results per segment once CLOSED (empty before).")
    async def segment_results(self, info: Info) -> list[ExerciseResults]:
        if not self._check_results(info):
            return []
        groups = await reads.groups(info.context.pool, self.row["id"])
        return [
            await ExerciseResults.of_group(info.context, self.row, g)
            for g in groups
            if g["segment"]
        ]

    @strawberry.field(description="How the segments agree (null before CLOSED).")
    def segment_agreement(self, info: Info) -> SegmentAgreement | None:
        if not self._check_results(info) or self.row["segment_agreement"] is None:
            return None
        return SegmentAgreement.of(self.row["segment_agreement"])

    @strawberry.field(
        description="How this exercise's results agree with each other closed exercise on the "
        "same objective (e.g. MaxDiff vs MoSCoW), by Spearman correlation of item scores."
    )
    async def method_agreement(self, info: Info) -> list[MethodAgreement]:
        if not self._check_results(info):
            return []
        ctx = info.context
        others = await reads.closed_siblings(ctx.pool, ctx.workspace, self.row["id"])
        scores: dict[UUID, dict[UUID, float]] = {}
        ids = [self.row["id"], *(o["id"] for o in others)]
        for r in await reads.overall_scores(ctx.pool, ids):
            scores.setdefault(r["exercise_id"], {})[r["item_id"]] = r["score"]
        mine = scores.get(self.row["id"], {})
        out = []
        for o in others:
            theirs = scores.get(o["id"], {})
            out.append(
                MethodAgreement(
                    method=ExerciseMethod(o["method"]),
                    common_items=len(mine.keys() & theirs.keys()),
                    spearman=agreement.spearman(mine, theirs),
                    row=o,
                )
            )
        return out

    @strawberry.field(
        description="MaxDiff: every answer as CSV in the import's format (respondent, set, "
        "items, best, worst, segment; items as item UUIDs), so it imports again (owner only)."
    )
    async def answers_csv(self, info: Info) -> str | None:
        if not _is_owner(info):
            raise forbidden("only the exercise's owners export answers")
        if self.row["method"] != ExerciseMethod.MAXDIFF.value:
            return None
        return await answers_export(info.context, self.row)

    @strawberry.field(
        description="MaxDiff, once CLOSED: each respondent's utilities as CSV (respondent, "
        "segment, then one column per candidate UUID; owner only; null before)."
    )
    async def utilities_csv(self, info: Info) -> str | None:
        if not _is_owner(info):
            raise forbidden("only the exercise's owners export utilities")
        if not self._check_results(info) or self.row["method"] != ExerciseMethod.MAXDIFF.value:
            return None
        return await utilities_export(info.context, self.row)

    @strawberry.field(
        description="MaxDiff, once CLOSED (null before): the `size` items that together reach "
        "the most respondents, by their own utilities (TURF)."
    )
    async def turf(self, info: Info, size: int, top: int = 1) -> TurfResult | None:
        if not self._check_results(info) or self.row["method"] != ExerciseMethod.MAXDIFF.value:
            return None
        return await turf_of(info.context, self.row["id"], size, top, item_global_id)

    @strawberry.field(
        description="MaxDiff, once CLOSED: each respondent's own utilities (owner only: null "
        "and FORBIDDEN for others)."
    )
    async def respondent_utilities(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> RespondentUtilitiesConnection | None:
        if not _is_owner(info):
            raise forbidden("only the exercise's owners see individual utilities")
        limit = page_size(first)
        start = decode_cursor(after, (str,))[0] if after else None
        rows = await reads.respondents_page(
            info.context.pool, info.context.workspace, self.row["id"], start, limit + 1
        )

        def node(r: Any) -> RespondentUtilities:
            ranked = sorted(r["utilities"].items(), key=lambda kv: -kv[1])
            return from_row(
                RespondentUtilities,
                r,
                utilities=[
                    ItemUtility(utility=u, backlog_item_id=item_global_id(i)) for i, u in ranked
                ],
                quality=RespondentQuality.of(r["quality"]),
            )

        return connection(
            RespondentUtilitiesConnection,
            RespondentUtilitiesEdge,
            node,
            "respondent",
            rows,
            limit,
            after,
        )

    @strawberry.field(
        description=HISTORY + " Owners and AUDITOR (null and FORBIDDEN for others); only the "
        "owners see a ballot's or an import's answers (`withheld` names what is left out)."
    )
    async def event_history(
        self, info: Info, first: int = 50, after: str | None = None, newest_first: bool = False
    ) -> ChangeConnection | None:
        if not _reads_records(info):
            raise forbidden("only the exercise's owners and auditors see its events")
        withheld = frozenset() if _is_owner(info) else INDIVIDUAL_ANSWERS
        return await entity_history(info, self.row["id"], first, after, newest_first, withheld)

    @strawberry.field(
        description="Every step, oldest first (owners and AUDITOR: null and FORBIDDEN for others)."
    )
    async def history(self, info: Info) -> list[ExerciseHistoryEntry] | None:
        if not _reads_records(info):
            raise forbidden("only the exercise's owners see its history")
        rows = await reads.history(info.context.pool, info.context.workspace, self.row["id"])
        return [from_row(ExerciseHistoryEntry, r, action=ExerciseAction(r["action"])) for r in rows]


ExerciseEdge, ExerciseConnection = list_types(
    Exercise,
    "exercise",
    page_about="A page of exercises, oldest first.",
    cursor="Pass as `after` for the next page.",
)
