"""recommendApproach through the real endpoint: each of the seed's decision rules for a workspace
built to match it (past cycles written with tests/support/past.py), the answers the caller may
give, no match, and bad input."""

from __future__ import annotations

from typing import Any

from okrank.domain.okrs.cycles import current_quarter
from okrank.domain.rankings.scoring import Tier
from tests.support.builders import item
from tests.support.past import events_stamped
from tests.support.team_history import day, shipping_into_the_wrong_areas, team_history

RECOMMEND = """query($team: String, $cycle: String!, $answers: RecommendationAnswers,
    $lagDays: Int! = 0) {
  recommendApproach(team: $team, cycle: $cycle, answers: $answers, lagDays: $lagDays) {
    team cycle approach rule condition nextStep explanation
    facts { name number flag source } } }"""


def recommend(gql: Any, cycle: str, team: str = "Growth", **answers: bool) -> dict[str, Any]:
    variables = {"team": team, "cycle": cycle, "answers": answers or None}
    return gql.execute(RECOMMEND, variables)["recommendApproach"]


def fact(answer: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [f for f in answer["facts"] if f["name"] == name]
    return found


def test_fewer_than_fifteen_active_items_recommends_okr_tagged_scoring(gql):
    for n in range(3):
        item(gql, f"Invite flow {n}", team="Growth")
    item(gql, "Another team's", team="Core")
    answer = recommend(gql, current_quarter())
    assert (answer["rule"], answer["approach"]) == ("SMALL_BACKLOG", "OKR_TAGGED_SCORING")
    assert answer["condition"] == (
        "If your team has fewer than fifteen active backlog items per OKR cycle"
    )
    assert answer["nextStep"].startswith("start with OKR-tagged scoring. It will take less")
    assert answer["facts"] == [
        {"name": "active backlog items", "number": 3, "flag": None, "source": "DATA"}
    ]


def test_a_large_backlog_and_several_segments_recommends_okr_scoped_stakeholder_input(
    gql, database_url
):
    with team_history(database_url, gql.workspace, "Growth") as history:
        objective = history.objective(current_quarter())
        history.items(50)
        history.segments(objective[0], "Sales", "Support", "Sales", "")
    answer = recommend(gql, current_quarter())
    assert answer["rule"] == "LARGE_BACKLOG_MANY_STAKEHOLDERS"
    assert answer["approach"] == "OKR_SCOPED_STAKEHOLDER_INPUT"
    assert "Run a MaxDiff or RICE session for each active OKR" in answer["nextStep"]
    assert fact(answer, "active backlog items")["number"] == 50
    assert fact(answer, "stakeholder segments seen in exercises")["number"] == 2
    assert fact(answer, "multiple stakeholder groups") == {
        "name": "multiple stakeholder groups",
        "number": None,
        "flag": True,
        "source": "DATA",
    }


def test_loose_tags_after_tagged_scoring_recommend_the_outcome_driven_review(gql, database_url):
    """16 items active in 2026-Q3; 4 done tagged DIRECT to a key result that moved only before
    3 of them were done: 3 of 4 (0.75) did not move it."""
    with team_history(database_url, gql.workspace, "Growth") as history:
        with events_stamped(day(7, 2)):
            objective, key_result = history.objective("2026-Q3")
            items = history.items(16)
            for i in items[:4]:
                history.tag(i, objective, Tier.DIRECT, key_result)
        with events_stamped(day(8, 1)):
            history.done(items[3])  # done before the metric moved: it moved it
        with events_stamped(day(9, 1)):
            history.check_in(objective, key_result, 5)
        with events_stamped(day(9, 15)):
            for i in items[:3]:
                history.done(i)  # done after: the metric stayed at 5
    answer = recommend(gql, "2026-Q3")
    assert answer["rule"] == "LOOSE_TAGGING"
    assert answer["approach"] == "OUTCOME_DRIVEN_QUARTERLY_REVIEW"
    assert answer["nextStep"].startswith("upgrade to the outcome-driven quarterly review.")
    assert fact(answer, "items ever tagged")["number"] == 4
    assert fact(answer, "done items tagged DIRECT")["number"] == 4
    assert fact(answer, "of them, key result did not move")["number"] == 3
    assert fact(answer, "share not moved")["number"] == 0.75
    assert fact(answer, "audit provisional")["flag"] is False
    assert fact(answer, "tags applied loosely")["flag"] is True
    denied = recommend(gql, "2026-Q3", tagsAppliedLoosely=False)
    assert denied["rule"] is None  # the caller's answer replaces the data's
    assert fact(denied, "tags applied loosely")["source"] == "ANSWER"


def twenty_items_and_an_objective(database_url: str, workspace: str) -> None:
    with team_history(database_url, workspace, "Growth") as history:
        history.objective(current_quarter())
        history.items(20)


def test_objectives_marked_discovery_recommend_scoped_input_with_a_rescope_checkpoint(
    gql, database_url
):
    with team_history(database_url, gql.workspace, "Growth") as history:
        objective = history.objective(current_quarter())
        history.items(20)
        history.discovery(objective[0])
    answer = recommend(gql, current_quarter())
    assert answer["rule"] == "EXPLORATORY_OKRS"
    assert answer["approach"] == "OKR_SCOPED_INPUT_WITH_RESCOPE_CHECKPOINT"
    assert "explicit mid-quarter re-scope checkpoint" in answer["nextStep"]
    assert fact(answer, "objectives marked discovery in the cycle")["number"] == 1
    assert fact(answer, "OKRs exploratory")["source"] == "DATA"
    not_exploratory = recommend(gql, current_quarter(), okrsExploratory=False)
    assert not_exploratory["rule"] is None
    assert fact(not_exploratory, "OKRs exploratory")["source"] == "ANSWER"


def test_senior_stakeholders_asking_why_recommends_okr_scoped_stakeholder_input(gql, database_url):
    twenty_items_and_an_objective(database_url, gql.workspace)
    answer = recommend(gql, current_quarter(), seniorStakeholdersAskWhy=True)
    assert answer["rule"] == "SENIOR_STAKEHOLDERS_ASK_WHY"
    assert answer["approach"] == "OKR_SCOPED_STAKEHOLDER_INPUT"
    assert answer["nextStep"].startswith("OKR-scoped stakeholder input produces the most")
    asked = fact(answer, "senior stakeholders ask why features were prioritised")
    assert (asked["flag"], asked["source"]) == (True, "ANSWER")


def test_strong_velocity_and_low_attainment_recommends_the_diagnostics_actions(gql, database_url):
    with team_history(database_url, gql.workspace, "Growth") as history:
        shipping_into_the_wrong_areas(history)
    answer = recommend(gql, "2026-Q3")
    assert answer["rule"] == "VELOCITY_WITHOUT_ATTAINMENT"
    assert answer["approach"] == "BACKLOG_AUDIT_THEN_OUTCOME_REVIEW"
    assert answer["nextStep"].startswith("the gap is diagnostic.")
    assert "Run an immediate backlog audit against current OKRs" in answer["nextStep"]
    assert fact(answer, "velocity strong")["flag"] is True
    assert fact(answer, "attainment consistently below 0.6")["flag"] is True


def test_when_no_rule_matches_there_is_no_approach_and_every_fact(gql, database_url):
    twenty_items_and_an_objective(database_url, gql.workspace)
    answer = recommend(gql, current_quarter())
    assert (answer["approach"], answer["rule"], answer["nextStep"]) == (None, None, None)
    assert answer["explanation"].startswith("No rule of the decision guide matches")
    assert fact(answer, "active backlog items")["number"] == 20
    unanswered = fact(answer, "senior stakeholders ask why features were prioritised")
    assert (unanswered["flag"], unanswered["source"]) == (None, "ANSWER")
    assert answer["facts"][-1]["name"] == "attainment consistently below 0.6"


def test_an_unknown_team_has_empty_facts_and_a_malformed_cycle_is_bad_input(gql):
    item(gql, "Invite flow", team="Growth")
    nobody = recommend(gql, "2026-Q3", team="Nobody")
    assert nobody["rule"] is None and nobody["team"] == "Nobody"
    assert fact(nobody, "active backlog items")["number"] == 0
    assert fact(nobody, "done items")["number"] == 0
    for variables, field in [
        ({"cycle": "2026-Q5"}, "cycle"),
        ({"cycle": "Q3"}, "cycle"),
        ({"cycle": "2026-Q3", "lagDays": -1}, "lagDays"),
    ]:
        body = gql.post(RECOMMEND, {"team": "Growth", **variables}).json()
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].startswith(f"{field}:"), error["message"]
