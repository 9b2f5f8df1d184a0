"""The whole-quarter scenario of tests/api/test_okr_quarter.py, played through GraphQL: a
company objective, Growth's and Platform's aligned to it, Growth's second objective with too
few key results; Growth's backlog triaged in a tagging session and tagged; two sprints with
check-ins at their reviews; a health metric going from green to amber; low zombie thresholds."""

from __future__ import annotations

from typing import Any

from tests.support.builders import OBJECTIVE, item, tag
from tests.support.sprints import check_in, done, lifecycle, new_sprint, plan

CYCLE = "2026-Q3"
SESSION = """query($team: String!) { taggingSession(cycle: "2026-Q3", team: $team) {
  items triaged toGo progress toTriage(first: 10) { edges { node { id } } } } }"""
METRIC = "... on HealthMetricSuccess { healthMetric { id status latestValue } }"
RICE = (100, 1, 0.8)  # reach, impact, confidence: only the effort (the 4th) matters here


def objective(
    gql: Any, title: str, key_results: list[tuple[str, float, float]], **fields: Any
) -> dict[str, Any]:
    """An ACTIVE objective of the cycle with key results (metric, baseline, target)."""
    o = gql.mutate("createObjective", {"cycle": CYCLE, "title": title, **fields}, OBJECTIVE)
    o = o["objective"]
    for metric, baseline, target in key_results:
        given = {"objectiveId": o["id"], "metric": metric, "baseline": baseline, "target": target}
        o = gql.mutate("addKeyResult", given, OBJECTIVE)["objective"]
    return gql.mutate("activateObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]


def krs(o: dict[str, Any]) -> list[str]:
    return [k["id"] for k in o["keyResults"]]


def session(gql: Any) -> dict[str, Any]:
    return gql.execute(SESSION, {"team": "Growth"})["taggingSession"]


def triage(gql: Any, item_id: str, decision: str) -> None:
    given = {"backlogItemId": item_id, "decision": decision, "cycle": CYCLE}
    assert gql.mutate("triageBacklogItem", given, "")["__typename"] == "BacklogItemSuccess"


def play_the_quarter(gql: Any) -> dict[str, Any]:
    """Everything a team does in one quarter; answers the IDs and what was read on the way."""
    q: dict[str, Any] = {}
    company = objective(
        gql,
        "Become the onboarding leader",
        [("NPS", 20, 40), ("Net revenue retention %", 100, 110), ("Churned accounts", 50, 30)],
        level="COMPANY",
    )
    growth = objective(
        gql,
        "Activate new teams fast",
        [
            ("Activation rate %", 20, 60),
            ("Minutes to first value", 30, 10),
            ("Weekly teams", 100, 200),
        ],
        team="Growth",
        parentId=company["id"],
    )
    platform = objective(
        gql,
        "A platform teams trust",
        [
            ("Self-serve signups", 0, 400),
            ("Error budget burn %", 50, 10),
            ("Pipeline success %", 80, 95),
        ],
        team="Platform",
        parentId=company["id"],
    )
    support = objective(  # too few key results, and no parent while the company has objectives
        gql,
        "Reduce support load",
        [("Tickets per week", 120, 60), ("Self-help rate %", 10, 30)],
        team="Growth",
    )
    q.update(company=company, growth=growth, platform=platform, support=support)
    g1, g2, g3 = krs(growth)

    # Growth's backlog at the start of the cycle: (title, RICE effort).
    backlog = [
        ("Signup checklist", 3),
        ("Faster onboarding", 5),
        ("Team invites", 2),
        ("Referral program", 8),
        ("Upgrade the database", 4),
        ("Dark mode", 1),
        ("Legacy export", 6),
        ("Guided tour", 5),
    ]
    items = [item(gql, t, rice=(*RICE, e), team="Growth")["id"] for t, e in backlog]
    checklist, onboarding, invites, referral, database, dark_mode, export, tour = items
    q["items"] = items
    tag(gql, checklist, growth["id"], "DIRECT", key_result_id=g1)
    tag(gql, onboarding, growth["id"], "DIRECT", key_result_id=g2)
    tag(gql, invites, growth["id"], "INDIRECT", key_result_id=g3)
    tag(gql, referral, company["id"], "INDIRECT")
    tag(gql, tour, growth["id"], "DIRECT", key_result_id=g1)
    justified = gql.mutate(
        "justifyNonStrategic",
        {"backlogItemId": database, "justification": "end of support in August"},
        "__typename",
    )
    assert justified["__typename"] == "BacklogItemSuccess"

    # The tagging session: progress read before, during and after the triage.
    q["session_before"] = session(gql)
    for i in (checklist, onboarding, invites):
        triage(gql, i, "YES")
    q["session_during"] = session(gql)
    triage(gql, referral, "YES")
    triage(gql, tour, "YES")
    triage(gql, export, "NO")
    q["session_after"] = session(gql)

    # Sprint 1 steps toward the activation rate; Dark mode is planned by an override.
    s1 = new_sprint(gql, g1, "2026-07-01", "2026-07-14", goal="Activation")["sprint"]
    for i in (checklist, onboarding):
        assert plan(gql, s1["id"], i)["__typename"] == "SprintSuccess"
    q["refused"] = plan(gql, s1["id"], dark_mode)
    assert (
        plan(gql, s1["id"], dark_mode, overrideReason="CEO demo")["__typename"] == "SprintSuccess"
    )
    lifecycle(gql, "startSprint", s1["id"])
    done(gql, checklist)
    for kr, value in ((g1, 30), (g2, 25)):
        check_in(gql, kr, value, "sprint 1 review")
    lifecycle(gql, "closeSprint", s1["id"])

    # Sprint 2 steps toward the minutes to first value (a key result aiming down).
    s2 = new_sprint(gql, g2, "2026-07-15", "2026-07-28", goal="First value")["sprint"]
    for i in (onboarding, invites, database):  # the database item is eligible: justified
        assert plan(gql, s2["id"], i)["__typename"] == "SprintSuccess"
    lifecycle(gql, "startSprint", s2["id"])
    done(gql, onboarding)
    c1, c2, c3 = krs(company)
    p1, p2, p3 = krs(platform)
    review = [
        (g1, 48),
        (g2, 14),
        (g3, 90),
        (p1, 500),
        (p2, 30),
        (p3, 86),
        (c1, 35),
        (c2, 104),
        (c3, 45),
    ]
    for kr, value in review:
        check_in(gql, kr, value, "sprint 2 review")
    lifecycle(gql, "closeSprint", s2["id"])
    q.update(s1=s1["id"], s2=s2["id"])

    # A health metric beside Growth's OKRs: fewer tickets is better; green ≤ 50, amber ≤ 80.
    thresholds = {"direction": "LOWER_IS_BETTER", "green": 50, "amber": 80}
    m = gql.mutate(
        "createHealthMetric",
        {"name": "Tickets per week", "team": "Growth", "thresholds": thresholds},
        METRIC,
    )["healthMetric"]
    record = {"healthMetricId": m["id"], "note": "sprint review"}
    q["green"] = gql.mutate("recordHealthMetric", {**record, "value": 42}, METRIC)["healthMetric"]
    q["amber"] = gql.mutate("recordHealthMetric", {**record, "value": 65}, METRIC)["healthMetric"]
    q["metric"] = m["id"]

    setting = {"sprints": 2, "cycles": 1, "reason": "two-week sprints: two is long enough"}
    set_ = gql.mutate("setZombieThresholds", setting, "__typename")
    assert set_["__typename"] == "ZombieThresholdsSuccess"
    return q
