"""reviewDiagnostics through the real endpoint: the figures behind each diagnostic equal a hand
computation over a team's past cycles (written with tests/support/past.py)."""

from __future__ import annotations

from typing import Any

import pytest

from okrank.domain.rankings.scoring import Tier
from tests.support.past import events_stamped
from tests.support.team_history import (
    SHIPPING_INTO_THE_WRONG_AREAS,
    day,
    shipping_into_the_wrong_areas,
    team_history,
)

DIAGNOSTICS = """query($team: String, $cycle: String!) {
  reviewDiagnostics(team: $team, cycle: $cycle) {
    team cycle diagnostics { code applies explanation facts { name number flag source } } } }"""


def diagnostics(gql: Any, cycle: str, team: str | None = "Growth") -> dict[str, Any]:
    answer = gql.execute(DIAGNOSTICS, {"team": team, "cycle": cycle})["reviewDiagnostics"]
    assert answer["team"] == (team or None)  # null or '': the whole workspace, answered null
    return {d["code"]: d for d in answer["diagnostics"]}


def figures(diagnostic: dict[str, Any]) -> dict[str, Any]:
    return {f["name"]: f["number"] if f["flag"] is None else f["flag"] for f in diagnostic["facts"]}


def test_strong_velocity_with_attainment_below_the_bar_twice_is_diagnosed_with_its_figures(
    gql, database_url
):
    with team_history(database_url, gql.workspace, "Growth") as history:
        shipping_into_the_wrong_areas(history)
    found = diagnostics(gql, "2026-Q3")
    gap = found["VELOCITY_WITHOUT_ATTAINMENT"]
    assert gap["applies"]
    expected = {k: pytest.approx(v) for k, v in SHIPPING_INTO_THE_WRONG_AREAS.items()}
    assert figures(gap) == {
        **expected,
        "velocity strong": True,
        "attainment consistently below 0.6": True,
    }
    assert gap["explanation"] == (
        "Velocity is strong (8 of 9 planned items done over the last 2 closed sprints) but "
        "attainment of the last ended cycles (2026-Q2: 0.30, 2026-Q3: 0.40) was below 0.6 in "
        "each: the team is shipping well but into the wrong areas."
    )
    assert {f["source"] for f in gap["facts"]} == {"DATA"}
    # As of 2026-Q2 only one graded cycle had ended and no sprint had closed.
    earlier = diagnostics(gql, "2026-Q2")["VELOCITY_WITHOUT_ATTAINMENT"]
    assert not earlier["applies"]
    assert figures(earlier)["recent closed sprints"] == 0
    assert figures(earlier)["attainment of 2026-Q2"] == pytest.approx(0.3)
    assert "attainment of 2026-Q3" not in figures(earlier)


def test_loose_tagging_counts_direct_items_whose_key_result_did_not_move(gql, database_url):
    """Done in 2026-Q3: A (DIRECT, before the check-in: moved), B and C (DIRECT, after it: not
    moved), D (INDIRECT, not moved: not counted), E (untagged). 2 of 3 DIRECT did not move."""
    with team_history(database_url, gql.workspace, "Growth") as history:
        with events_stamped(day(7, 2)):
            objective, key_result = history.objective("2026-Q3")
            a, b, c, d, e = history.items(5)
            for i in (a, b, c):
                history.tag(i, objective, Tier.DIRECT, key_result)
            history.tag(d, objective, Tier.INDIRECT, key_result)
        with events_stamped(day(8, 1)):
            history.done(a)
        with events_stamped(day(9, 1)):
            history.check_in(objective, key_result, 5)
        with events_stamped(day(9, 15)):
            for i in (b, c, d, e):
                history.done(i)
    loose = diagnostics(gql, "2026-Q3")["LOOSE_TAGGING"]
    assert loose["applies"]
    assert figures(loose) == {
        "done items": 5,
        "done items tagged DIRECT": 3,
        "of them, key result did not move": 2,
        "share not moved": pytest.approx(2 / 3),
        "audit provisional": False,
    }
    assert loose["explanation"].startswith(
        "Tags look loose: 2 of 3 done items tagged DIRECT did not move their key result (67%"
    )
    whole = diagnostics(gql, "2026-Q3", team=None)  # the whole workspace: the same items
    assert figures(whole["LOOSE_TAGGING"]) == figures(loose)
    assert figures(diagnostics(gql, "2026-Q3", team="")["LOOSE_TAGGING"]) == figures(loose)


def test_a_team_with_nothing_has_zero_figures_and_no_diagnostic_applies(gql):
    found = diagnostics(gql, "2026-Q3", team="Nobody")
    assert [d["applies"] for d in found.values()] == [False, False]
    assert figures(found["LOOSE_TAGGING"])["done items"] == 0
    assert figures(found["VELOCITY_WITHOUT_ATTAINMENT"])["recent closed sprints"] == 0
    body = gql.post(DIAGNOSTICS, {"team": "Growth", "cycle": "2026-Q9"}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
