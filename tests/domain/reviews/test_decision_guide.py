"""The decision guide (okrank.domain.reviews.decision_guide): each of the seed's rules, their
order (the first match wins), and which facts an answer may replace."""

from __future__ import annotations

from dataclasses import replace

import pytest

from okrank.domain.reviews.decision_guide import (
    ORDER,
    RULES,
    Answers,
    Approach,
    DecisionRule,
    GuideData,
    explanation,
    recommend,
)
from okrank.domain.reviews.diagnostics import Diagnostic, DiagnosticCode, Fact, FactSource


def diagnostic(code: DiagnosticCode, applies: bool) -> Diagnostic:
    return Diagnostic(code, applies, (Fact.data(f"{code.value} facts", 1),), "words")


NOTHING = GuideData(
    active_items=30,  # neither small nor large
    stakeholder_segments=(),
    tagged_items=0,
    loose_tagging=diagnostic(DiagnosticCode.LOOSE_TAGGING, False),
    discovery_objectives=0,
    velocity_without_attainment=diagnostic(DiagnosticCode.VELOCITY_WITHOUT_ATTAINMENT, False),
)
LOOSE = diagnostic(DiagnosticCode.LOOSE_TAGGING, True)
GAP = diagnostic(DiagnosticCode.VELOCITY_WITHOUT_ATTAINMENT, True)


def rule_of(data: GuideData, answers: Answers | None = None) -> DecisionRule | None:
    found = recommend(data, answers or Answers()).rule
    return None if found is None else found.code


def test_the_rules_are_the_seeds_six_in_its_order():
    assert [code for code, _ in ORDER] == list(DecisionRule) == list(RULES)
    assert RULES[DecisionRule.LARGE_BACKLOG_MANY_STAKEHOLDERS].next_step.startswith(
        "use OKR-scoped stakeholder input. Run a MaxDiff or RICE session for each active OKR"
    )


@pytest.mark.parametrize(
    ("data", "answers", "rule", "approach"),
    [
        (replace(NOTHING, active_items=14), Answers(), "SMALL_BACKLOG", "OKR_TAGGED_SCORING"),
        (
            replace(NOTHING, active_items=50, stakeholder_segments=("Sales", "Support")),
            Answers(),
            "LARGE_BACKLOG_MANY_STAKEHOLDERS",
            "OKR_SCOPED_STAKEHOLDER_INPUT",
        ),
        (
            replace(NOTHING, tagged_items=4, loose_tagging=LOOSE),
            Answers(),
            "LOOSE_TAGGING",
            "OUTCOME_DRIVEN_QUARTERLY_REVIEW",
        ),
        (
            replace(NOTHING, discovery_objectives=1),
            Answers(),
            "EXPLORATORY_OKRS",
            "OKR_SCOPED_INPUT_WITH_RESCOPE_CHECKPOINT",
        ),
        (
            NOTHING,
            Answers(senior_stakeholders_ask_why=True),
            "SENIOR_STAKEHOLDERS_ASK_WHY",
            "OKR_SCOPED_STAKEHOLDER_INPUT",
        ),
        (
            replace(NOTHING, velocity_without_attainment=GAP),
            Answers(),
            "VELOCITY_WITHOUT_ATTAINMENT",
            "BACKLOG_AUDIT_THEN_OUTCOME_REVIEW",
        ),
    ],
)
def test_each_rule_matches_its_situation(data, answers, rule, approach):
    found = recommend(data, answers)
    assert found.rule is not None and found.rule.code == DecisionRule(rule)
    assert found.approach == Approach(approach)
    assert explanation(found).startswith(found.rule.condition)


def test_the_first_rule_that_matches_wins():
    everything = replace(
        NOTHING,
        active_items=10,
        tagged_items=3,
        loose_tagging=LOOSE,
        discovery_objectives=2,
        velocity_without_attainment=GAP,
    )
    assert rule_of(everything, Answers(senior_stakeholders_ask_why=True)) == "SMALL_BACKLOG"
    assert rule_of(replace(everything, active_items=40)) == "LOOSE_TAGGING"
    assert rule_of(replace(everything, active_items=40, loose_tagging=NOTHING.loose_tagging)) == (
        "EXPLORATORY_OKRS"
    )
    large = replace(everything, active_items=60, stakeholder_segments=("A", "B"))
    assert rule_of(large) == "LARGE_BACKLOG_MANY_STAKEHOLDERS"


def test_boundaries_of_the_backlog_rules():
    assert rule_of(replace(NOTHING, active_items=15)) is None  # fifteen is not fewer
    assert rule_of(replace(NOTHING, active_items=0)) is None  # no backlog: nothing to tag
    one_group = replace(NOTHING, active_items=80, stakeholder_segments=("Sales",))
    assert rule_of(one_group) is None
    assert rule_of(replace(one_group, active_items=49, stakeholder_segments=("A", "B"))) is None


def test_answers_replace_only_the_facts_they_may():
    one_group = replace(NOTHING, active_items=80, stakeholder_segments=("Sales",))
    groups = Answers(multiple_stakeholder_groups=True)
    assert rule_of(one_group, groups) == "LARGE_BACKLOG_MANY_STAKEHOLDERS"
    assert rule_of(replace(NOTHING, active_items=49), groups) is None  # size is measured
    loose_but_denied = replace(NOTHING, tagged_items=3, loose_tagging=LOOSE)
    assert rule_of(loose_but_denied, Answers(tags_applied_loosely=False)) is None
    never_tried = Answers(tried_tagged_scoring=False)
    assert rule_of(loose_but_denied, never_tried) is None
    said_loose = Answers(tried_tagged_scoring=True, tags_applied_loosely=True)
    assert rule_of(NOTHING, said_loose) == "LOOSE_TAGGING"
    assert rule_of(NOTHING, Answers(tags_applied_loosely=True)) is None  # untried: no tags
    marked = replace(NOTHING, discovery_objectives=1)
    assert rule_of(marked, Answers(okrs_exploratory=False)) is None
    assert rule_of(NOTHING, Answers(okrs_exploratory=True)) == "EXPLORATORY_OKRS"


def test_the_facts_name_their_source_and_stop_at_the_match():
    found = recommend(replace(NOTHING, discovery_objectives=1), Answers(tried_tagged_scoring=True))
    by_name = {f.name: f for f in found.facts}
    assert by_name["active backlog items"] == Fact("active backlog items", 30, FactSource.DATA)
    assert by_name["tried OKR-tagged scoring"].source is FactSource.ANSWER
    assert by_name["OKRs exploratory"] == Fact("OKRs exploratory", True, FactSource.DATA)
    assert "senior stakeholders ask why features were prioritised" not in by_name  # after it


def test_when_nothing_matches_there_is_no_approach_and_every_fact_is_given():
    found = recommend(NOTHING, Answers())
    assert found.rule is None and found.approach is None
    names = [f.name for f in found.facts]
    assert names[0] == "active backlog items" and names[-1] == "VELOCITY_WITHOUT_ATTAINMENT facts"
    unanswered = next(f for f in found.facts if f.name.startswith("senior"))
    assert (unanswered.value, unanswered.source) == (None, FactSource.ANSWER)
    assert explanation(found).startswith("No rule of the decision guide matches")
