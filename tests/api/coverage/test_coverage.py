"""coverage(team, cycle) through the real endpoint: shares of a team's open items and of their
estimated effort, by class and by objective, against numbers computed by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders import OBJECTIVE, item, tag

SHARE = "items itemShare effort effortShare"
COVERAGE = f"""query($team: String!, $cycle: String!) {{ coverage(team: $team, cycle: $cycle) {{
  team cycle items effort
  linked {{ {SHARE} }} direct {{ {SHARE} }} indirect {{ {SHARE} }}
  justified {{ {SHARE} }} unjustified {{ {SHARE} }}
  byObjective {{ objective {{ id }} share {{ {SHARE} }} direct {{ {SHARE} }}
                 indirect {{ {SHARE} }} }}
  estimates {{ measure items effort }} }} }}"""


def objective_in(gql: Any, title: str, cycle: str = "2026-Q3", team: str | None = None) -> str:
    created = {"cycle": cycle, "title": title, **({"team": team} if team else {})}
    o = gql.mutate("createObjective", created, OBJECTIVE)["objective"]
    gql.mutate(
        "addKeyResult", {"objectiveId": o["id"], "metric": "m", "baseline": 0, "target": 1}, ""
    )
    gql.mutate("activateObjective", {"objectiveId": o["id"]}, "")
    return o["id"]


def status(gql: Any, item_id: str, to: str) -> None:
    moved = gql.mutate("changeBacklogItemStatus", {"backlogItemId": item_id, "status": to}, "")
    assert moved["__typename"] == "BacklogItemSuccess", moved


def share(items: int, effort: float, whole: tuple[int, float] = (9, 29.0)) -> dict[str, Any]:
    return {
        "items": items,
        "itemShare": pytest.approx(items / whole[0]),
        "effort": pytest.approx(effort),
        "effortShare": pytest.approx(effort / whole[1]),
    }


def coverage(gql: Any, team: str, cycle: str = "2026-Q3") -> dict[str, Any]:
    return gql.execute(COVERAGE, {"team": team, "cycle": cycle})["coverage"]


def test_coverage_splits_the_teams_open_items_and_effort_by_tier_objective_and_justification(
    gql,
):
    a = objective_in(gql, "Activation", team="Growth")
    b = objective_in(gql, "Company revenue")  # no team: a Growth item may still serve it
    closed = objective_in(gql, "Retired goal")
    next_quarter = objective_in(gql, "Next quarter", cycle="2026-Q4")
    empty = objective_in(gql, "Nothing yet", team="Growth")

    def growth(title: str, rice_effort: float | None = None, job_size: int | None = None) -> str:
        rice = (100, 1, 1, rice_effort) if rice_effort is not None else None
        wsjf = (5, 3, 2, job_size) if job_size is not None else None
        return item(gql, title, rice=rice, wsjf=wsjf, team="Growth")["id"]

    i1 = growth("rice 4, DIRECT to A", rice_effort=4)
    i2 = growth("wsjf 8, INDIRECT to A and DIRECT to B", job_size=8)
    i3 = growth("rice 2 and wsjf 13, INDIRECT to B", rice_effort=2, job_size=13)
    i4 = growth("no estimate, DIRECT to A")
    i5 = growth("rice 3, only to a closed objective", rice_effort=3)
    i6 = growth("wsjf 5, only to another cycle's objective", job_size=5)
    i7 = growth("rice 1, justified", rice_effort=1)
    growth("no estimate, untagged, unjustified")
    i9 = growth("rice 10, DIRECT to A, done", rice_effort=10)
    i10 = growth("rice 7, archived", rice_effort=7)
    i11 = growth("rice 6, triaged NO (NOT_NOW is still open)", rice_effort=6)
    platform = item(gql, "Platform's, DIRECT to A", rice=(1, 1, 1, 100), team="Platform")
    teamless = item(gql, "In no team, DIRECT to A", rice=(1, 1, 1, 50))
    for i, o, tier in [
        (i1, a, "DIRECT"),
        (i2, a, "INDIRECT"),
        (i2, b, "DIRECT"),
        (i3, b, "INDIRECT"),
        (i4, a, "DIRECT"),
        (i5, closed, "DIRECT"),
        (i6, next_quarter, "DIRECT"),
        (i9, a, "DIRECT"),
        (platform["id"], a, "DIRECT"),
        (teamless["id"], a, "DIRECT"),
    ]:
        assert tag(gql, i, o, tier)["__typename"] == "BacklogItemSuccess"
    gql.mutate("closeObjective", {"objectiveId": closed}, "")
    gql.mutate("justifyNonStrategic", {"backlogItemId": i7, "justification": "legal duty"}, "")
    status(gql, i9, "DONE")
    status(gql, i10, "ARCHIVED")
    gql.mutate("triageBacklogItem", {"backlogItemId": i11, "decision": "NO"}, "")

    c = coverage(gql, "Growth")
    # Open Growth items: i1–i8 and i11 (9); effort 4 + 8 + 2 + 0 + 3 + 5 + 1 + 0 + 6 = 29.
    assert (c["team"], c["cycle"], c["items"], c["effort"]) == ("Growth", "2026-Q3", 9, 29)
    assert c["direct"] == share(3, 12)  # i1 (4), i2 (8: its strongest tag), i4 (0)
    assert c["indirect"] == share(1, 2)  # i3: RICE effort 2 stands over its job size
    assert c["linked"] == share(4, 14)
    assert c["justified"] == share(1, 1)  # i7
    assert c["unjustified"] == share(4, 14)  # i5 (3), i6 (5), the unestimated one (0), i11 (6)
    assert [o["objective"]["id"] for o in c["byObjective"]] == [a, b, empty]
    by_objective = {o["objective"]["id"]: o for o in c["byObjective"]}
    assert by_objective[a]["share"] == share(3, 12)  # Platform's and the teamless item: not
    assert by_objective[a]["direct"] == share(2, 4)
    assert by_objective[a]["indirect"] == share(1, 8)
    assert by_objective[b]["share"] == share(2, 10)
    assert (by_objective[b]["direct"], by_objective[b]["indirect"]) == (share(1, 8), share(1, 2))
    assert by_objective[empty]["share"] == share(0, 0)
    assert c["estimates"] == [
        {"measure": "RICE_EFFORT", "items": 5, "effort": 16},  # i1, i3, i5, i7, i11
        {"measure": "WSJF_JOB_SIZE", "items": 2, "effort": 13},  # i2, i6
        {"measure": "NONE", "items": 2, "effort": 0},
    ]
    estimated = gql.execute(
        "query($a: ID!, $b: ID!, $c: ID!) { a: backlogItem(id: $a) { estimatedEffort {"
        " measure value } } b: backlogItem(id: $b) { estimatedEffort { measure value } }"
        " c: backlogItem(id: $c) { estimatedEffort { measure value } } }",
        {"a": i3, "b": i2, "c": i4},
    )
    assert [estimated[k]["estimatedEffort"] for k in "abc"] == [
        {"measure": "RICE_EFFORT", "value": 2},
        {"measure": "WSJF_JOB_SIZE", "value": 8},
        {"measure": "NONE", "value": None},
    ]

    other_cycle = coverage(gql, "Growth", "2026-Q4")  # only i6 is linked there
    assert other_cycle["direct"] == share(1, 5)
    assert [o["objective"]["id"] for o in other_cycle["byObjective"]] == [next_quarter]
    platform_view = coverage(gql, "Platform")
    assert (platform_view["items"], platform_view["direct"]) == (1, share(1, 100, (1, 100)))


def test_an_unknown_team_has_empty_coverage_and_a_malformed_cycle_is_bad_input(gql):
    objective_in(gql, "Activation", team="Growth")
    item(gql, "Invite flow", rice=(1, 1, 1, 2), team="Growth")
    nobody = coverage(gql, "Nobody")
    assert (nobody["items"], nobody["effort"], nobody["byObjective"]) == (0, 0, [])
    assert nobody["linked"] == {"items": 0, "itemShare": 0, "effort": 0, "effortShare": 0}
    for team, cycle, field in [
        ("Growth", "2026-Q5", "cycle"),
        ("Growth", "Q3", "cycle"),
        ("x" * 101, "2026-Q3", "team"),
    ]:
        body = gql.post(COVERAGE, {"team": team, "cycle": cycle}).json()
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].startswith(f"{field}:"), error["message"]


def test_coverage_read_again_shows_each_change_at_once(gql):
    """Results are kept between reads while the catalog is unchanged (api/coverage/cache.py):
    each mutation's answer waits past the position they were kept at, so the next read has it."""
    a = objective_in(gql, "Activation", team="Growth")
    i = item(gql, "Invite flow", rice=(1, 1, 1, 2), team="Growth")["id"]
    first = coverage(gql, "Growth")
    assert coverage(gql, "Growth") == first
    assert first["unjustified"]["items"] == 1 and first["linked"]["items"] == 0
    tag(gql, i, a, "INDIRECT")
    assert coverage(gql, "Growth")["indirect"] == share(1, 2, (1, 2))
    gql.mutate("closeObjective", {"objectiveId": a}, "")  # another aggregate's event
    closed = coverage(gql, "Growth")
    assert (closed["linked"]["items"], closed["unjustified"]["items"]) == (0, 1)
