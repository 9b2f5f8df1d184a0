"""GraphQL of the decision guide (okrank.domain.reviews.decision_guide): `recommendApproach`
applies the seed's rules in its order to the workspace's data and the caller's answers."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from okrank.api.reviews.diagnostics import ReviewFact, read_diagnostics
from okrank.domain.reviews import decision_guide as guide
from okrank.domain.reviews.decision_guide import Answers, Approach, DecisionRule, GuideData

ApproachEnum = strawberry.enum(
    Approach,
    name="PrioritisationApproach",
    description="The seed's approaches. OKR_TAGGED_SCORING; OKR_SCOPED_STAKEHOLDER_INPUT; "
    "OUTCOME_DRIVEN_QUARTERLY_REVIEW; OKR_SCOPED_INPUT_WITH_RESCOPE_CHECKPOINT (scoped input "
    "with an explicit mid-quarter re-scope checkpoint, for exploratory OKRs); "
    "BACKLOG_AUDIT_THEN_OUTCOME_REVIEW (the diagnostic's actions: an immediate backlog audit "
    "against current OKRs, then an outcome-driven review at the next quarter transition).",
)
DecisionRuleEnum = strawberry.enum(
    DecisionRule,
    name="DecisionRule",
    description="The seed's decision rules, in its order (the first that matches wins). "
    f"SMALL_BACKLOG: 1 to {guide.SMALL_BACKLOG - 1} active backlog items in the cycle (created "
    "before it ended, not archived, not done before it began). LARGE_BACKLOG_MANY_STAKEHOLDERS: "
    f"{guide.LARGE_BACKLOG}+ active items and multiple stakeholder groups (at least "
    f"{guide.MULTIPLE_GROUPS} participant segments seen in the workspace's exercises, or the "
    "answer). LOOSE_TAGGING: tagged scoring tried (the scope's items were tagged before the "
    "cycle ended, or the answer) and tags applied loosely (the LOOSE_TAGGING diagnostic, or the "
    "answer). EXPLORATORY_OKRS: the scope's objectives of the cycle marked discovery, or the "
    "answer. SENIOR_STAKEHOLDERS_ASK_WHY: only the answer. VELOCITY_WITHOUT_ATTAINMENT: the "
    "diagnostic of that name (no answer replaces it).",
)


@strawberry.input(
    description="What the caller says where the data cannot tell. A field left null keeps the "
    "data's value; one given replaces it (only these facts may be answered: the count of active "
    "items and the velocity diagnostic are measured, never answered)."
)
class RecommendationAnswers:
    multiple_stakeholder_groups: bool | None = strawberry.field(
        default=None,
        description="Multiple stakeholder groups with competing priorities (rule 2; the data "
        "sees only segments that took part in exercises).",
    )
    tried_tagged_scoring: bool | None = strawberry.field(
        default=None, description="The team has already tried OKR-tagged scoring (rule 3)."
    )
    tags_applied_loosely: bool | None = strawberry.field(
        default=None,
        description="Tags are applied loosely: items pass the filter without genuine OKR "
        "contribution (rule 3; the data: the LOOSE_TAGGING diagnostic).",
    )
    okrs_exploratory: bool | None = strawberry.field(
        default=None,
        description="The OKRs are aspirational and exploratory: pre-product-market-fit or a new "
        "market (rule 4; the data: objectives marked discovery in the cycle).",
    )
    senior_stakeholders_ask_why: bool | None = strawberry.field(
        default=None,
        description="Senior stakeholders are asking why specific features were prioritised "
        "(rule 5; only the caller can say).",
    )

    def answers(self) -> Answers:
        return Answers(
            multiple_stakeholder_groups=self.multiple_stakeholder_groups,
            tried_tagged_scoring=self.tried_tagged_scoring,
            tags_applied_loosely=self.tags_applied_loosely,
            okrs_exploratory=self.okrs_exploratory,
            senior_stakeholders_ask_why=self.senior_stakeholders_ask_why,
        )


@strawberry.type(description="The decision guide's answer for a team's cycle.")
class ApproachRecommendation:
    team: str | None = strawberry.field(description="The team; null for the whole workspace.")
    cycle: str = strawberry.field(description="The cycle (2026-Q3 or 2026).")
    approach: ApproachEnum | None = strawberry.field(
        description="The approach the matching rule gives; null when no rule matched."
    )
    rule: DecisionRuleEnum | None = strawberry.field(
        description="The rule that matched (the first, in the seed's order); null for none."
    )
    condition: str | None = strawberry.field(
        description="The matching rule in the seed's words; null for none."
    )
    next_step: str | None = strawberry.field(
        description="The next step the seed gives for that rule, in its words; null for none."
    )
    facts: list[ReviewFact] = strawberry.field(
        description="The facts the rules looked at, in order, up to the one that matched (all "
        "of them when none did), each with its source."
    )
    explanation: str = strawberry.field(description="The answer in one sentence.")


@strawberry.type(description="The decision guide.")
class RecommendationQueries:
    @strawberry.field(
        description="Which of the seed's approaches fits `team`'s `cycle` (team null or '': the "
        "whole workspace): its decision rules applied in its order to the workspace's data and "
        "to `answers` (see DecisionRule and RecommendationAnswers), the first match winning. "
        "`lagDays` as for reviewDiagnostics. A malformed cycle is BAD_USER_INPUT."
    )
    async def recommend_approach(
        self,
        info: Info,
        cycle: str,
        team: str | None = None,
        answers: RecommendationAnswers | None = None,
        lag_days: int = 0,
    ) -> ApproachRecommendation:
        team, cycle, found = await read_diagnostics(info, team, cycle, lag_days)
        data = GuideData(
            active_items=found.scope.active_items,
            stakeholder_segments=found.scope.segments,
            tagged_items=found.scope.tagged_items,
            loose_tagging=found.loose_tagging,
            discovery_objectives=found.scope.discovery_objectives,
            velocity_without_attainment=found.velocity_without_attainment,
        )
        given = answers.answers() if answers is not None else Answers()
        recommendation = guide.recommend(data, given)
        rule = recommendation.rule
        return ApproachRecommendation(
            team=team,
            cycle=cycle,
            approach=recommendation.approach,
            rule=None if rule is None else rule.code,
            condition=None if rule is None else rule.condition,
            next_step=None if rule is None else rule.next_step,
            facts=[ReviewFact.of(f) for f in recommendation.facts],
            explanation=guide.explanation(recommendation),
        )
