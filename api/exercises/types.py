"""GraphQL types of stakeholder exercises. Privacy lives in the resolvers here: a participant sees
its own tasks and ballot, never another's; the owner (ADMIN, PRODUCT_OWNER) sees who has
submitted and the history; results appear once the exercise is closed, for every role but
STAKEHOLDER. Who may see what is decided in api.exercise_privacy."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.audit.history import ChangeConnection, entity_history
from okrank.api.exercises import reads
from okrank.api.exercises.maxdiff_design_types import MaxDiffDesignDiagnostics
from okrank.api.exercises.maxdiff_export_fields import answers_export, utilities_export
from okrank.api.exercises.maxdiff_result_types import (
    MaxDiffFit,
    MaxDiffItemResult,
    PreferenceHeterogeneity,
    RespondentQuality,
    ResponseQualitySummary,
)
from okrank.api.exercises.maxdiff_turf_types import TurfResult, turf_of
from okrank.api.exercises.privacy import (
    INDIVIDUAL_ANSWERS,
    forbidden,
    is_owner,
    reads_records,
    require_results,
)
from okrank.api.graphql.ids import decode_cursor, to_global_id
from okrank.api.graphql.pagination import connection, page_size
from okrank.api.graphql.types import HISTORY, BacklogItem, Node, Objective, PageInfo
from okrank.domain.exercises.exercise import ExerciseMethod, ExerciseStatus
from okrank.domain.exercises.methods import agreement
from okrank.domain.exercises.methods.moscow import Category

ExerciseMethodEnum = strawberry.enum(
    ExerciseMethod,
    name="ExerciseMethod",
    description="How stakeholders give input: MAXDIFF (best-worst scaling over balanced sets), "
    "RICE_SESSION (each estimates reach, impact, confidence, effort), MOSCOW (Must, Should, "
    "Could, Won't) or BUY_A_FEATURE (budgets spent on priced items).",
)
# Stored ballots and results keep the category as its string; the API maps it to this enum.
MoscowCategoryEnum = strawberry.enum(
    Category,
    name="MoscowCategory",
    description="A MoSCoW category: MUST, SHOULD, COULD or WONT (Won't have this time).",
)
ExerciseStatusEnum = strawberry.enum(
    ExerciseStatus,
    name="ExerciseStatus",
    description="DRAFT (curating, inviting) → OPEN (taking ballots) → CLOSED (results).",
)


@strawberry.enum(description="What an exercise history entry records.")
class ExerciseAction(Enum):
    CREATED = "CREATED"
    CANDIDATE_ADDED = "CANDIDATE_ADDED"
    CANDIDATE_WITHDRAWN = "CANDIDATE_WITHDRAWN"
    CANDIDATE_PRICED = "CANDIDATE_PRICED"
    PARTICIPANT_INVITED = "PARTICIPANT_INVITED"
    OPENED = "OPENED"
    BALLOT_SUBMITTED = "BALLOT_SUBMITTED"
    RESPONSES_IMPORTED = "RESPONSES_IMPORTED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"
    RESPONDENT_EXCLUDED = "RESPONDENT_EXCLUDED"


async def _item(info: Info, item_id: UUID) -> BacklogItem | None:
    row = await info.context.loaders.item.load(item_id)
    return BacklogItem.from_row(row) if row else None


def _gid(kind: str, ident: UUID) -> strawberry.ID:
    return strawberry.ID(to_global_id(kind, ident))


@strawberry.type(description="An item curated into an exercise.")
class ExerciseCandidate:
    price: float | None = strawberry.field(description="Buy a Feature: what it costs to buy.")
    item_id: strawberry.Private[UUID]

    @strawberry.field(description="The backlog item.")
    async def backlog_item(self, info: Info) -> BacklogItem | None:
        return await _item(info, self.item_id)


@strawberry.type(description="An invited participant and how far they are (owners and AUDITOR).")
class ExerciseParticipant:
    subject: str = strawberry.field(description="The subject of the participant's token.")
    segment: str = strawberry.field(description="Their segment, e.g. Sales ('' for none).")
    submitted: bool = strawberry.field(description="A ballot has been submitted.")
    submitted_at: datetime | None = strawberry.field(description="When the last ballot came.")
    revisions: int = strawberry.field(description="How many ballots they submitted in all.")
    tasks: int = strawberry.field(description="MaxDiff: how many sets they were given.")


@strawberry.type(description="One MaxDiff set a participant is asked about.")
class MaxDiffSet:
    index: int = strawberry.field(description="Pass as `setIndex` when answering.")
    item_ids: strawberry.Private[list[UUID]]

    @strawberry.field(description="The items shown together, in display order.")
    async def items(self, info: Info) -> list[BacklogItem]:
        rows = await info.context.loaders.item.load_many(self.item_ids)  # one batch
        return [BacklogItem.from_row(r) for r in rows if r is not None]


@strawberry.type(description="A MaxDiff answer: the best and the worst item of one set.")
class MaxDiffAnswerView:
    set_index: int = strawberry.field(description="Which of your sets.")
    best_id: strawberry.ID = strawberry.field(description="The item chosen best.")
    worst_id: strawberry.ID = strawberry.field(description="The item chosen worst.")


@strawberry.type(description="A participant's RICE estimate of one item.")
class RiceEstimateView:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    reach: float = strawberry.field(description="Reach.")
    impact: float = strawberry.field(description="Impact (3, 2, 1, 0.5, 0.25).")
    confidence: float = strawberry.field(description="Confidence in (0, 1].")
    effort: float = strawberry.field(description="Effort (> 0).")


@strawberry.type(description="A participant's MoSCoW category for one item.")
class MoscowVoteView:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    category: MoscowCategoryEnum = strawberry.field(description="The category given.")


@strawberry.type(description="Money a participant put on one item.")
class AllocationView:
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")
    amount: float = strawberry.field(description="The amount.")


@strawberry.type(description="Your own ballot, as last submitted (only the part of the method).")
class Ballot:
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    revisions: int = strawberry.field(description="How many times you submitted.")
    answers: list[MaxDiffAnswerView] = strawberry.field(description="MaxDiff answers.")
    estimates: list[RiceEstimateView] = strawberry.field(description="RICE estimates.")
    votes: list[MoscowVoteView] = strawberry.field(description="MoSCoW votes.")
    allocations: list[AllocationView] = strawberry.field(description="Buy a Feature money.")

    @classmethod
    def from_json(cls, ballot: dict[str, Any], at: datetime, revisions: int) -> Ballot:
        item = lambda i: _gid("BacklogItem", UUID(i))  # noqa: E731
        return cls(
            submitted_at=at,
            revisions=revisions,
            answers=[
                MaxDiffAnswerView(set_index=s, best_id=item(b), worst_id=item(w))
                for s, b, w in ballot.get("answers", [])
            ],
            estimates=[
                RiceEstimateView(
                    backlog_item_id=item(i), reach=v[0], impact=v[1], confidence=v[2], effort=v[3]
                )
                for i, v in ballot.get("estimates", {}).items()
            ],
            votes=[
                MoscowVoteView(backlog_item_id=item(i), category=Category(c))
                for i, c in ballot.get("votes", {}).items()
            ],
            allocations=[
                AllocationView(backlog_item_id=item(i), amount=a)
                for i, a in ballot.get("allocations", {}).items()
            ],
        )


@strawberry.type(description="What the caller is asked to do in an exercise, and their ballot.")
class Participation:
    segment: str = strawberry.field(description="The caller's segment ('' for none).")
    budget: float | None = strawberry.field(description="Buy a Feature: money to spend.")
    sets: list[MaxDiffSet] = strawberry.field(description="MaxDiff: the caller's own sets.")
    ballot: Ballot | None = strawberry.field(description="The caller's ballot, if submitted.")
    pooled: list[AllocationView] = strawberry.field(
        description="Buy a Feature, while OPEN: money everyone has put on each item so far "
        "(totals only, as in the real game), so participants can move theirs before the close."
    )


@strawberry.type(description="RICE-session figures of one item.")
class RiceSessionItemResult:
    participants: int = strawberry.field(description="How many estimated it.")
    reach: float = strawberry.field(description="Median reach.")
    impact: float = strawberry.field(description="Median impact.")
    confidence: float = strawberry.field(description="Median confidence.")
    effort: float = strawberry.field(description="Median effort.")
    spread_iqr: float = strawberry.field(
        description="Interquartile range of the participants' RICE scores (disagreement)."
    )
    spread_cv: float = strawberry.field(
        description="Coefficient of variation of the participants' RICE scores."
    )


@strawberry.type(description="MoSCoW figures of one item.")
class MoscowItemResult:
    must: int = strawberry.field(description="Votes for Must.")
    should: int = strawberry.field(description="Votes for Should.")
    could: int = strawberry.field(description="Votes for Could.")
    wont: int = strawberry.field(description="Votes for Won't.")
    consensus: MoscowCategoryEnum = strawberry.field(
        description="Plurality category; a tie goes to the stricter one."
    )


@strawberry.type(description="Buy a Feature figures of one item.")
class PurchaseItemResult:
    price: float = strawberry.field(description="Its price.")
    pooled: float = strawberry.field(description="Money put on it by all backers.")
    funded_share: float = strawberry.field(description="min(1, pooled / price).")
    bought: bool = strawberry.field(description="Fully funded.")
    backers: int = strawberry.field(description="Participants who put money on it.")
    excess: float = strawberry.field(
        description="Money pooled beyond the price of a bought item: not spent, returned to "
        "its backers in proportion to what each put in (0 if not bought)."
    )


@strawberry.type(description="One item's place in an exercise's results.")
class ExerciseItemResult:
    rank: int = strawberry.field(description="1 = first; items without input rank last.")
    score: float | None = strawberry.field(
        description="The method's score (MaxDiff share, RICE of medians, MoSCoW mean with Must "
        "3 … Won't 0, Buy a Feature funded share); null if nobody gave input on it."
    )
    maxdiff: MaxDiffItemResult | None = strawberry.field(description="MaxDiff figures.")
    rice_session: RiceSessionItemResult | None = strawberry.field(description="RICE figures.")
    moscow: MoscowItemResult | None = strawberry.field(description="MoSCoW figures.")
    buy_a_feature: PurchaseItemResult | None = strawberry.field(
        description="Buy a Feature figures."
    )
    item_id: strawberry.Private[UUID]

    @strawberry.field(description="The item.")
    async def backlog_item(self, info: Info) -> BacklogItem | None:
        return await _item(info, self.item_id)

    @classmethod
    def from_row(cls, method: ExerciseMethod, r: Any) -> ExerciseItemResult:
        d = r["detail"] or {}
        has = bool(d)
        return cls(
            rank=r["rank"],
            score=r["score"],
            item_id=r["item_id"],
            maxdiff=MaxDiffItemResult.from_detail(d)
            if has and method == ExerciseMethod.MAXDIFF
            else None,
            rice_session=RiceSessionItemResult(
                participants=d["participants"],
                **d["median"],
                spread_iqr=d["spreadIqr"],
                spread_cv=d["spreadCv"],
            )
            if has and method == ExerciseMethod.RICE_SESSION
            else None,
            moscow=MoscowItemResult(
                must=d["distribution"]["MUST"],
                should=d["distribution"]["SHOULD"],
                could=d["distribution"]["COULD"],
                wont=d["distribution"]["WONT"],
                consensus=Category(d["consensus"]),
            )
            if has and method == ExerciseMethod.MOSCOW
            else None,
            buy_a_feature=PurchaseItemResult(
                price=d["price"],
                pooled=d["pooled"],
                funded_share=d["fundedShare"],
                bought=d["bought"],
                backers=d["backers"],
                excess=d.get("excess", 0.0),
            )
            if has and method == ExerciseMethod.BUY_A_FEATURE
            else None,
        )


@strawberry.type(description="Results of everyone, or of one segment.")
class ExerciseResults:
    segment: str | None = strawberry.field(description="The segment; null for everyone.")
    respondents: int = strawberry.field(description="Participants who gave input.")
    items: list[ExerciseItemResult] = strawberry.field(description="Best first.")
    budget_total: float | None = strawberry.field(description="Buy a Feature: all budgets.")
    spent: float | None = strawberry.field(description="Buy a Feature: money allocated.")
    unspent_on_items_not_bought: float | None = strawberry.field(
        description="Buy a Feature: money on items that were not fully funded."
    )
    excess_returned: float | None = strawberry.field(
        description="Buy a Feature: money pooled beyond bought items' prices, returned to their "
        "backers (part of `spent`, which counts all money allocated)."
    )
    preference_spread: float | None = strawberry.field(
        description="MaxDiff, everyone: how far individuals' utilities spread around the "
        "shared ones (the empirical-Bayes prior's standard deviation), reported only when "
        "`heterogeneity` detects that respondents differ, else 0."
    )
    response_quality: ResponseQualitySummary | None = strawberry.field(
        description="MaxDiff, everyone: respondents flagged for response quality."
    )
    heterogeneity: PreferenceHeterogeneity | None = strawberry.field(
        description="MaxDiff, everyone: the test of whether respondents differ."
    )
    maxdiff_fit: MaxDiffFit | None = strawberry.field(
        description="MaxDiff: how the utilities were estimated (null without answers)."
    )


@strawberry.type(description="A respondent whose answers the results leave out.")
class ExcludedRespondent:
    respondent: str = strawberry.field(description="Participant subject or imported respondent.")
    reason: str = strawberry.field(description="The owner's reason.")


@strawberry.type(description="One item's utility for one respondent.")
class ItemUtility:
    utility: float = strawberry.field(description="Centred on 0 across the candidates.")
    backlog_item_id: strawberry.ID = strawberry.field(description="The item.")


@strawberry.type(
    description="MaxDiff: one respondent's own utilities, estimated by empirical Bayes "
    "(shrunk toward everyone's, more so for respondents who answered little)."
)
class RespondentUtilities:
    respondent: str = strawberry.field(description="Participant subject or imported respondent.")
    segment: str = strawberry.field(description="Their segment ('' for none).")
    utilities: list[ItemUtility] = strawberry.field(description="Per candidate, best first.")
    quality: RespondentQuality | None = strawberry.field(
        description="Response quality (null for results computed before it was measured)."
    )


@strawberry.type(description="An edge of the respondent list.")
class RespondentUtilitiesEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the next page.")
    node: RespondentUtilities = strawberry.field(description="The respondent.")


@strawberry.type(description="Respondents' own utilities, by name.")
class RespondentUtilitiesConnection:
    edges: list[RespondentUtilitiesEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")


@strawberry.type(description="How two segments agree on the order of the items.")
class SegmentPair:
    a: str = strawberry.field(description="One segment.")
    b: str = strawberry.field(description="The other segment.")
    spearman: float | None = strawberry.field(
        description="Rank correlation of their item scores: 1 same order, −1 reversed."
    )


@strawberry.type(description="Agreement between segments on an exercise's results.")
class SegmentAgreement:
    kendall_w: float | None = strawberry.field(
        description="Kendall's W across all segments: 1 = full agreement, 0 = none."
    )
    pairs: list[SegmentPair] = strawberry.field(description="Spearman for each pair.")


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
        return await _item(info, self.item_id) if self.item_id else None


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
    status: ExerciseStatusEnum = strawberry.field(description="DRAFT, OPEN or CLOSED.")
    version: int = strawberry.field(description="Aggregate version; pass as `expectedVersion`.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(description="Who created it (the owner).")
    opened_at: datetime | None = strawberry.field(description="When it opened.")
    closed_at: datetime | None = strawberry.field(description="When it closed.")
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Exercise:
        return cls(
            id=_gid("Exercise", r["id"]),
            method=ExerciseMethod(r["method"]),
            title=r["title"],
            instructions=r["instructions"],
            deadline=datetime.fromisoformat(r["deadline"]) if r["deadline"] else None,
            set_size=r["set_size"],
            status=ExerciseStatus(r["status"]),
            version=r["version"],
            created_at=r["created_at"],
            created_by=r["created_by"],
            opened_at=r["opened_at"],
            closed_at=r["closed_at"],
            row=r,
        )

    @strawberry.field(description="The objective whose key results the candidates serve.")
    async def objective(self, info: Info) -> Objective | None:
        row = await info.context.loaders.objective.load(self.row["objective_id"])
        return Objective.from_row(row) if row else None

    @strawberry.field(description="The candidate items, in the order they were added.")
    async def candidates(self, info: Info) -> list[ExerciseCandidate]:
        rows = await reads.candidates(info.context.pool, info.context.workspace, self.row["id"])
        return [ExerciseCandidate(price=r["price"], item_id=r["item_id"]) for r in rows]

    @strawberry.field(
        description="Invited participants and who has submitted (owners and AUDITOR: null and a "
        "FORBIDDEN error for others)."
    )
    async def participants(self, info: Info) -> list[ExerciseParticipant] | None:
        if not _reads_records(info):
            raise forbidden("only the exercise's owners see its participants")
        rows = await reads.participants(info.context.pool, info.context.workspace, self.row["id"])
        return [
            ExerciseParticipant(
                subject=r["subject"],
                segment=r["segment"],
                submitted=r["submitted"],
                submitted_at=r["submitted_at"],
                revisions=r["revisions"],
                tasks=r["tasks"],
            )
            for r in rows
        ]

    @strawberry.field(
        description="MaxDiff: balance and D-efficiency of the sets handed out (owners and AUDITOR: "
        "null and a FORBIDDEN error for others; null for other methods or before any sets "
        "exist)."
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
                AllocationView(backlog_item_id=_gid("BacklogItem", UUID(i)), amount=total)
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
        return None if group is None else await self._group_results(info, group)

    async def _group_results(self, info: Info, group: Any) -> ExerciseResults:
        ctx, segment = info.context, group["segment"]
        rows = await reads.results(ctx.pool, ctx.workspace, self.row["id"], segment)
        method = ExerciseMethod(self.row["method"])
        s = group["summary"] or {}
        return ExerciseResults(
            segment=segment or None,
            respondents=group["respondents"],
            items=[ExerciseItemResult.from_row(method, r) for r in rows],
            budget_total=s.get("budgetTotal"),
            spent=s.get("spent"),
            unspent_on_items_not_bought=s.get("unspentOnItemsNotBought"),
            excess_returned=s.get("excessReturned"),
            preference_spread=s.get("preferenceSpread"),
            heterogeneity=PreferenceHeterogeneity.from_summary(s),
            response_quality=ResponseQualitySummary.of(s.get("responseQuality")),
            maxdiff_fit=MaxDiffFit.from_summary(s, lambda i: _gid("BacklogItem", i)),
        )

    @strawberry.field(description="Results per segment once CLOSED (empty before).")
    async def segment_results(self, info: Info) -> list[ExerciseResults]:
        if not self._check_results(info):
            return []
        groups = await reads.groups(info.context.pool, self.row["id"])
        return [await self._group_results(info, g) for g in groups if g["segment"]]

    @strawberry.field(description="How the segments agree (null before CLOSED).")
    def segment_agreement(self, info: Info) -> SegmentAgreement | None:
        if not self._check_results(info) or self.row["segment_agreement"] is None:
            return None
        a = self.row["segment_agreement"]
        return SegmentAgreement(
            kendall_w=a["kendallW"],
            pairs=[SegmentPair(a=p["a"], b=p["b"], spearman=p["spearman"]) for p in a["pairs"]],
        )

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
        return await turf_of(
            info.context, self.row["id"], size, top, lambda i: _gid("BacklogItem", i)
        )

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
            return RespondentUtilities(
                respondent=r["respondent"],
                segment=r["segment"],
                utilities=[
                    ItemUtility(utility=u, backlog_item_id=_gid("BacklogItem", UUID(i)))
                    for i, u in ranked
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
        return [
            ExerciseHistoryEntry(
                action=ExerciseAction(r["action"]),
                actor=r["actor"],
                at=r["at"],
                subject=r["subject"],
                reason=r["reason"],
                item_id=r["item_id"],
            )
            for r in rows
        ]


@strawberry.type(description="An edge of an exercise list.")
class ExerciseEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the next page.")
    node: Exercise = strawberry.field(description="The exercise.")


@strawberry.type(description="A page of exercises, oldest first.")
class ExerciseConnection:
    edges: list[ExerciseEdge] = strawberry.field(description="Exercises of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")
