"""The seed's decision guide (okr-prioritisation-guide.txt, "Which approach fits your
context?"): its rules applied in the seed's order, the first that matches wins.

Each rule reads facts from the workspace (DATA) and, where the data cannot tell or tells only
part, an answer the caller gives (ANSWER). An answer, when given, replaces the data's value of
that one fact; the facts an answer may replace are:
- `multiple_stakeholder_groups` (rule 2): the data sees only the groups that took part in an
  exercise (distinct participant segments); a team may have others.
- `tried_tagged_scoring`, `tags_applied_loosely` (rule 3): the data says the scope's items were
  tagged and what the loose-tagging diagnostic found; the caller may know better.
- `okrs_exploratory` (rule 4): the data sees objectives marked discovery in the cycle.
- `senior_stakeholders_ask_why` (rule 5): only the caller can say.
No answer replaces the count of active items (rules 1 and 2) or the velocity-and-attainment
diagnostic (rule 6): both are measured.

Active backlog items of a cycle: the scope's items created before the cycle ended, not
archived, and not done before it began (open ones and those done in it or since). Rule 1 needs
at least one (a team with no backlog has nothing to prioritise yet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from okrank.domain.reviews.diagnostics import Diagnostic, Fact, FactSource

SMALL_BACKLOG = 15  # "fewer than fifteen active backlog items per OKR cycle"
LARGE_BACKLOG = 50  # "a large backlog (50+ items)"
MULTIPLE_GROUPS = 2


class Approach(StrEnum):
    OKR_TAGGED_SCORING = "OKR_TAGGED_SCORING"
    OKR_SCOPED_STAKEHOLDER_INPUT = "OKR_SCOPED_STAKEHOLDER_INPUT"
    OUTCOME_DRIVEN_QUARTERLY_REVIEW = "OUTCOME_DRIVEN_QUARTERLY_REVIEW"
    OKR_SCOPED_INPUT_WITH_RESCOPE_CHECKPOINT = "OKR_SCOPED_INPUT_WITH_RESCOPE_CHECKPOINT"
    BACKLOG_AUDIT_THEN_OUTCOME_REVIEW = "BACKLOG_AUDIT_THEN_OUTCOME_REVIEW"


class DecisionRule(StrEnum):
    SMALL_BACKLOG = "SMALL_BACKLOG"
    LARGE_BACKLOG_MANY_STAKEHOLDERS = "LARGE_BACKLOG_MANY_STAKEHOLDERS"
    LOOSE_TAGGING = "LOOSE_TAGGING"
    EXPLORATORY_OKRS = "EXPLORATORY_OKRS"
    SENIOR_STAKEHOLDERS_ASK_WHY = "SENIOR_STAKEHOLDERS_ASK_WHY"
    VELOCITY_WITHOUT_ATTAINMENT = "VELOCITY_WITHOUT_ATTAINMENT"


@dataclass(frozen=True)
class Answers:
    """What the caller says; None: not answered (the data's value stands, or false)."""

    multiple_stakeholder_groups: bool | None = None
    tried_tagged_scoring: bool | None = None
    tags_applied_loosely: bool | None = None
    okrs_exploratory: bool | None = None
    senior_stakeholders_ask_why: bool | None = None


@dataclass(frozen=True)
class GuideData:
    """What the workspace says about the scope and cycle."""

    active_items: int
    stakeholder_segments: tuple[str, ...]
    tagged_items: int  # the scope's items ever tagged to an objective
    loose_tagging: Diagnostic
    discovery_objectives: int  # the scope's objectives of the cycle marked discovery
    velocity_without_attainment: Diagnostic


@dataclass(frozen=True)
class Rule:
    code: DecisionRule
    approach: Approach
    condition: str  # the seed's words
    next_step: str  # the seed's sentences that follow


@dataclass(frozen=True)
class Recommendation:
    rule: Rule | None  # None: no rule matched
    facts: tuple[Fact, ...]  # those the rules looked at, up to the match

    @property
    def approach(self) -> Approach | None:
        return None if self.rule is None else self.rule.approach


RULES = {
    r.code: r
    for r in (
        Rule(
            DecisionRule.SMALL_BACKLOG,
            Approach.OKR_TAGGED_SCORING,
            "If your team has fewer than fifteen active backlog items per OKR cycle",
            "start with OKR-tagged scoring. It will take less than two hours to tag the backlog "
            "and introduces the discipline without disrupting your existing workflow.",
        ),
        Rule(
            DecisionRule.LARGE_BACKLOG_MANY_STAKEHOLDERS,
            Approach.OKR_SCOPED_STAKEHOLDER_INPUT,
            "If your team has a large backlog (50+ items) and multiple stakeholder groups with "
            "competing priorities",
            "use OKR-scoped stakeholder input. Run a MaxDiff or RICE session for each active OKR "
            "with the relevant stakeholders. Combine results at the product level with an "
            "explicit capacity allocation per objective.",
        ),
        Rule(
            DecisionRule.LOOSE_TAGGING,
            Approach.OUTCOME_DRIVEN_QUARTERLY_REVIEW,
            "If your team has already tried OKR-tagged scoring and finds that tags are being "
            "applied loosely — items passing the filter without genuine OKR contribution",
            "upgrade to the outcome-driven quarterly review. It will expose which tags were "
            "genuine and force a more rigorous connection between items and metrics.",
        ),
        Rule(
            DecisionRule.EXPLORATORY_OKRS,
            Approach.OKR_SCOPED_INPUT_WITH_RESCOPE_CHECKPOINT,
            "If your OKRs are aspirational and exploratory — pre-product-market-fit stage or "
            "entering a new market",
            "do not use outcome-driven quarterly review. Use OKR-scoped stakeholder input "
            "instead with an explicit mid-quarter re-scope checkpoint, since OKR scope may shift "
            "before the quarter ends.",
        ),
        Rule(
            DecisionRule.SENIOR_STAKEHOLDERS_ASK_WHY,
            Approach.OKR_SCOPED_STAKEHOLDER_INPUT,
            "If senior stakeholders are asking why specific features were prioritised",
            "OKR-scoped stakeholder input produces the most defensible answer. The stakeholder "
            "was in the room, the scope was bounded by the objective, and the ranking was "
            "structured. That is a conversation you can have with confidence.",
        ),
        Rule(
            DecisionRule.VELOCITY_WITHOUT_ATTAINMENT,
            Approach.BACKLOG_AUDIT_THEN_OUTCOME_REVIEW,
            "If your team's velocity is strong but OKR attainment is consistently below 0.6",
            "the gap is diagnostic. Your team is shipping well but into the wrong areas. Run an "
            "immediate backlog audit against current OKRs, archive anything with no active OKR "
            "connection, and then run an outcome-driven review at the next quarter transition.",
        ),
    )
}


@dataclass
class Evidence:
    """The facts looked at so far, each answerable one taken from the answer when given."""

    answers: Answers
    facts: list[Fact] = field(default_factory=list)

    def data(self, name: str, value: float | bool | None) -> None:
        self.facts.append(Fact.data(name, value))

    def answerable(self, name: str, answer: bool | None, data: bool | None) -> bool:
        """The caller's answer if given, else the data's value. With neither (only the caller
        can say, and did not) the fact is an ANSWER without a value, and false."""
        if answer is not None or data is None:
            self.facts.append(Fact(name, answer, FactSource.ANSWER))
            return bool(answer)
        self.facts.append(Fact.data(name, data))
        return data


def small_backlog(d: GuideData, e: Evidence) -> bool:
    e.data("active backlog items", d.active_items)
    return 0 < d.active_items < SMALL_BACKLOG


def large_backlog_many_stakeholders(d: GuideData, e: Evidence) -> bool:
    segments = len(d.stakeholder_segments)
    e.data("stakeholder segments seen in exercises", segments)
    groups = e.answerable(
        "multiple stakeholder groups",
        e.answers.multiple_stakeholder_groups,
        segments >= MULTIPLE_GROUPS,
    )
    return d.active_items >= LARGE_BACKLOG and groups


def loose_tagging(d: GuideData, e: Evidence) -> bool:
    e.data("items ever tagged", d.tagged_items)
    tried = e.answerable(
        "tried OKR-tagged scoring", e.answers.tried_tagged_scoring, d.tagged_items > 0
    )
    e.facts.extend(d.loose_tagging.facts)
    loose = e.answerable(
        "tags applied loosely", e.answers.tags_applied_loosely, d.loose_tagging.applies
    )
    return tried and loose


def exploratory_okrs(d: GuideData, e: Evidence) -> bool:
    e.data("objectives marked discovery in the cycle", d.discovery_objectives)
    return e.answerable("OKRs exploratory", e.answers.okrs_exploratory, d.discovery_objectives > 0)


def senior_stakeholders_ask_why(d: GuideData, e: Evidence) -> bool:
    return e.answerable(
        "senior stakeholders ask why features were prioritised",
        e.answers.senior_stakeholders_ask_why,
        None,
    )


def velocity_without_attainment(d: GuideData, e: Evidence) -> bool:
    e.facts.extend(d.velocity_without_attainment.facts)
    return d.velocity_without_attainment.applies


# The seed's order: "Apply the first rule that matches your situation."
ORDER: tuple[tuple[DecisionRule, Callable[[GuideData, Evidence], bool]], ...] = (
    (DecisionRule.SMALL_BACKLOG, small_backlog),
    (DecisionRule.LARGE_BACKLOG_MANY_STAKEHOLDERS, large_backlog_many_stakeholders),
    (DecisionRule.LOOSE_TAGGING, loose_tagging),
    (DecisionRule.EXPLORATORY_OKRS, exploratory_okrs),
    (DecisionRule.SENIOR_STAKEHOLDERS_ASK_WHY, senior_stakeholders_ask_why),
    (DecisionRule.VELOCITY_WITHOUT_ATTAINMENT, velocity_without_attainment),
)


def recommend(data: GuideData, answers: Answers) -> Recommendation:
    """The first of the seed's rules that matches, with the facts looked at up to it."""
    evidence = Evidence(answers)
    for code, matches in ORDER:
        if matches(data, evidence):
            return Recommendation(RULES[code], tuple(evidence.facts))
    return Recommendation(None, tuple(evidence.facts))


def explanation(recommendation: Recommendation) -> str:
    """The recommendation in one sentence: the rule in the seed's words and what it gives."""
    rule = recommendation.rule
    if rule is None:
        return "No rule of the decision guide matches: the facts say none applies."
    return f"{rule.condition}: {rule.next_step}"
