"""OKR hygiene as data, a team's cycle and the check-in interval, through the real GraphQL
endpoint: each warning carries its code (and key result); a team answers its objectives,
attainment and warnings; only an ADMIN sets the interval."""

from __future__ import annotations

import pytest

from okrank.api.auth.principal import Role
from tests.support.builders import OBJECTIVE

HYGIENE = "hygiene { code message keyResultId }"
TEAM = (
    "query($name: String!, $cycle: String!) { team(name: $name, cycle: $cycle) {"
    f" name cycle attainment {HYGIENE} objectives {{ id title grade }} }} }}"
)
SETTINGS = "... on OkrSettingsSuccess { okrSettings { checkInIntervalDays version } }"


def objective(gql, title, key_results, team="growth", level="TEAM", parent=None, active=True):
    """An objective with key results given as metric names (baseline 0, target 10)."""
    fields = {"cycle": "2026-Q3", "title": title, "team": team, "level": level}
    if parent:
        fields["parentId"] = parent
    o = gql.mutate("createObjective", fields, OBJECTIVE)["objective"]
    for metric in key_results:
        o = gql.mutate(
            "addKeyResult",
            {"objectiveId": o["id"], "metric": metric, "baseline": 0, "target": 10},
            OBJECTIVE,
        )["objective"]
    if active:
        o = gql.mutate("activateObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]
    return o


def hygiene_of(gql, objective_id):
    query = f"query($id: ID!) {{ objective(id: $id) {{ {HYGIENE} warnings }} }}"
    return gql.execute(query, {"id": objective_id})["objective"]


def check_in(gql, key_result_id, value):
    data = {"keyResultId": key_result_id, "value": value, "confidence": 0.5}
    assert gql.mutate("checkInKeyResult", data, "")["__typename"] == "CheckInSuccess"


def test_an_objectives_warnings_carry_a_code_a_message_and_the_key_result(gql):
    company = objective(gql, "Company", ["a", "b", "c"], team="", level="COMPANY")
    lonely = objective(gql, "Lonely", ["weekly active teams", "Launch 3 features"])
    launch = lonely["keyResults"][1]["id"]
    data = hygiene_of(gql, lonely["id"])
    assert [(w["code"], w["keyResultId"]) for w in data["hygiene"]] == [
        ("TOO_FEW_KEY_RESULTS", None),
        ("OUTPUT_STYLE_KEY_RESULT", launch),
        ("UNALIGNED", None),
    ]
    assert data["hygiene"][0]["message"].startswith("2 key results: fewer than 3")
    assert data["warnings"] == []  # the deprecated list keeps its two old rules only
    aligned = objective(gql, "Aligned", ["x", "y", "z"], parent=company["id"])
    assert hygiene_of(gql, aligned["id"])["hygiene"] == []
    assert hygiene_of(gql, company["id"])["hygiene"] == []


def test_a_team_with_too_much_at_once_warns_on_the_team_and_its_objectives(gql):
    objectives = [objective(gql, f"o{n}", ["x", "y", "z"]) for n in range(4)]  # 12 active KRs
    team = gql.execute(TEAM, {"name": "growth", "cycle": "2026-Q3"})["team"]
    assert [w["code"] for w in team["hygiene"]] == [
        "TEAM_TOO_MANY_ACTIVE_KEY_RESULTS",
        "TEAM_TOO_MANY_OBJECTIVES",
    ]
    assert team["hygiene"][0]["message"] == (
        "team growth has 12 active key results in 2026-Q3: more than 8"
    )
    assert [o["id"] for o in team["objectives"]] == [o["id"] for o in objectives]
    codes = [w["code"] for w in hygiene_of(gql, objectives[0]["id"])["hygiene"]]
    assert codes == ["TEAM_TOO_MANY_ACTIVE_KEY_RESULTS", "TEAM_TOO_MANY_OBJECTIVES"]
    legacy = hygiene_of(gql, objectives[0]["id"])["warnings"]
    assert legacy == ["team growth has 12 active key results in 2026-Q3: more than 8"]


def test_a_teams_attainment_is_the_mean_grade_of_its_active_and_closed_objectives(gql):
    first = objective(gql, "First", ["x", "y", "z"])
    second = objective(gql, "Second", ["x", "y", "z"])
    objective(gql, "Draft", ["x", "y", "z"], active=False)  # not committed to: not counted
    a, b, c = (k["id"] for k in first["keyResults"])
    check_in(gql, a, 7)  # 0.7
    check_in(gql, b, 15)  # overshoot: 1.0
    check_in(gql, c, -3)  # the wrong way: 0.0
    check_in(gql, second["keyResults"][0]["id"], 6)  # 0.6, the others never checked in: 0
    gql.mutate("closeObjective", {"objectiveId": second["id"]}, OBJECTIVE)
    team = gql.execute(TEAM, {"name": "growth", "cycle": "2026-Q3"})["team"]
    grades = {o["title"]: o["grade"] for o in team["objectives"]}
    assert grades["First"] == pytest.approx(1.7 / 3)
    assert grades["Second"] == pytest.approx(0.2)
    assert grades["Draft"] == 0.0
    assert team["attainment"] == pytest.approx((1.7 / 3 + 0.2) / 2)
    empty = gql.execute(TEAM, {"name": "nobody", "cycle": "2026-Q3"})["team"]
    assert empty == {
        "name": "nobody",
        "cycle": "2026-Q3",
        "attainment": None,
        "hygiene": [],
        "objectives": [],
    }


def test_an_admin_sets_the_check_in_interval_and_others_may_not(gql, client_factory):
    settings = "{ okrSettings { checkInIntervalDays version } }"
    assert gql.execute(settings)["okrSettings"] == {"checkInIntervalDays": 14, "version": 0}
    set_ = gql.mutate("setCheckInInterval", {"days": 7, "expectedVersion": 0}, SETTINGS)
    assert set_["okrSettings"] == {"checkInIntervalDays": 7, "version": 2}
    multipliers = gql.execute("{ alignmentMultipliers { version } }")["alignmentMultipliers"]
    assert multipliers["version"] == 2  # one workspace version for every workspace command
    refused = gql.mutate("setCheckInInterval", {"days": 0}, SETTINGS)
    assert (refused["__typename"], refused["path"]) == ("ValidationError", ["input", "days"])
    stale = gql.mutate("setCheckInInterval", {"days": 9, "expectedVersion": 1}, SETTINGS)
    assert (stale["__typename"], stale["currentVersion"]) == ("ConflictError", 2)
    for role in (Role.PRODUCT_OWNER, Role.MEMBER):
        other = client_factory(gql.workspace, "someone", (role,))
        denied = other.mutate("setCheckInInterval", {"days": 3}, SETTINGS)
        assert denied["__typename"] == "PermissionDeniedError"
    assert gql.execute(settings)["okrSettings"] == {"checkInIntervalDays": 7, "version": 2}
