"""GraphQL types of an exercise's results: per item and method, per segment, and how segments
and respondents agree."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from strawberry.types import Info

from okrank.api.backlog.types import BacklogItem, item_global_id, load_backlog_item
from okrank.api.exercises import reads
from okrank.api.exercises.enums import MoscowCategoryEnum
from okrank.api.exercises.maxdiff_result_types import (
    MaxDiffFit,
    MaxDiffItemResult,
    PreferenceHeterogeneity,
    RespondentQuality,
    ResponseQualitySummary,
)
from okrank.api.graphql.pagination import connection_types
from okrank.api.graphql.rows import from_detail, from_row
from okrank.domain.exercises.exercise import ExerciseMethod
from okrank.domain.exercises.methods.moscow import Category


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
        return await load_backlog_item(info, self.item_id)

    @classmethod
    def from_row(cls, method: ExerciseMethod, r: Any) -> ExerciseItemResult:
        d = r["detail"] or {}
        has = bool(d)
        return from_row(
            cls,
            r,
            maxdiff=MaxDiffItemResult.from_detail(d)
            if has and method == ExerciseMethod.MAXDIFF
            else None,
            rice_session=from_detail(RiceSessionItemResult, d, **d["median"])
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
            buy_a_feature=from_detail(PurchaseItemResult, d, missing={"excess": 0.0})
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

    @classmethod
    async def of_group(cls, ctx: Any, exercise: Any, group: Any) -> ExerciseResults:
        """The results of one group (a segment, or '' for everyone) of a closed exercise."""
        segment = group["segment"]
        rows = await reads.results(ctx.pool, ctx.workspace, exercise["id"], segment)
        method = ExerciseMethod(exercise["method"])
        s = group["summary"] or {}
        return cls(
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
            maxdiff_fit=MaxDiffFit.from_summary(s, item_global_id),
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


RespondentUtilitiesEdge, RespondentUtilitiesConnection = connection_types(
    RespondentUtilities,
    page_about="Respondents' own utilities, by name.",
    edge_about="An edge of the respondent list.",
    node_is="The respondent.",
    edges_are="This page.",
    cursor="Pass as `after` for the next page.",
)


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

    @classmethod
    def of(cls, a: dict[str, Any]) -> SegmentAgreement:
        """From the agreement the projection stored with the exercise."""
        return from_detail(cls, a, pairs=[from_detail(SegmentPair, p) for p in a["pairs"]])
