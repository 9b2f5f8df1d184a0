"""OKR hygiene rules (domain.okrs.hygiene): each warning, when it fires and when it does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from okrank.domain.okrs.hygiene import (
    KeyResultFacts,
    ObjectiveFacts,
    TeamCycleFacts,
    WarningCode,
    aligned_cycles,
    objective_warnings,
    team_warnings,
)

NOW = datetime(2026, 8, 1, tzinfo=UTC)


def kr(metric="weekly active teams", output_style=False, days_since_check_in=1, added_days=30):
    checked = None if days_since_check_in is None else NOW - timedelta(days=days_since_check_in)
    return KeyResultFacts(uuid4(), metric, output_style, NOW - timedelta(days=added_days), checked)


def codes(warnings):
    return [w.code for w in warnings]


def warnings_of(key_results, status="ACTIVE", level="TEAM", has_parent=True, **kw):
    objective = ObjectiveFacts(level, status, has_parent, key_results)
    return objective_warnings(
        objective, kw.get("team"), kw.get("company", False), NOW, kw.get("days", 14)
    )


def test_three_to_five_outcome_key_results_checked_in_recently_warn_nothing():
    assert warnings_of([kr() for _ in range(3)]) == []
    assert warnings_of([kr() for _ in range(5)]) == []


def test_fewer_than_three_key_results_warn():
    (warning,) = warnings_of([kr(), kr()])
    assert warning.code == WarningCode.TOO_FEW_KEY_RESULTS and "2 key results" in warning.message


def test_more_than_five_key_results_warn():
    (warning,) = warnings_of([kr() for _ in range(6)])
    assert warning.code == WarningCode.TOO_MANY_KEY_RESULTS and "6 key results" in warning.message


def test_an_output_style_key_result_warns_flagged_or_by_its_verb():
    flagged, launch, outcome = kr(output_style=True), kr("Launch 3 features"), kr()
    warnings = warnings_of([flagged, launch, outcome])
    assert codes(warnings) == [WarningCode.OUTPUT_STYLE_KEY_RESULT] * 2
    assert [w.key_result_id for w in warnings] == [flagged.id, launch.id]
    assert warnings_of([kr("Shipping cost per order"), kr(), kr()]) == []  # a noun, not a verb


def test_a_key_result_not_checked_in_for_more_than_the_interval_warns_while_active():
    stale, never, fresh = kr(days_since_check_in=15), kr(days_since_check_in=None), kr()
    warnings = warnings_of([stale, never, fresh])
    assert codes(warnings) == [WarningCode.STALE_CHECK_IN] * 2
    assert [w.key_result_id for w in warnings] == [stale.id, never.id]
    assert "15 days ago: more than 14" in warnings[0].message
    assert warnings_of([stale, never, fresh], status="DRAFT") == []
    assert warnings_of([stale, never, fresh], status="CLOSED") == []
    assert len(warnings_of([stale, never, fresh], days=20)) == 1  # the workspace's interval
    young = kr(days_since_check_in=None, added_days=3)
    assert warnings_of([young, fresh, fresh]) == []  # added 3 days ago: not stale yet


def test_a_team_objective_without_parent_warns_when_the_company_has_objectives():
    three = [kr(), kr(), kr()]
    assert codes(warnings_of(three, has_parent=False, company=True)) == [WarningCode.UNALIGNED]
    assert warnings_of(three, has_parent=False, company=False) == []
    assert warnings_of(three, has_parent=True, company=True) == []
    assert warnings_of(three, level="COMPANY", has_parent=False, company=True) == []
    assert aligned_cycles("2026-Q3") == ["2026-Q3", "2026"]
    assert aligned_cycles("2026") == ["2026"]


def test_a_team_with_more_than_eight_active_key_results_in_its_cycle_warns():
    (warning,) = team_warnings(TeamCycleFacts("growth", "2026-Q3", 9, 3))
    assert warning.code == WarningCode.TEAM_TOO_MANY_ACTIVE_KEY_RESULTS
    assert warning.message == "team growth has 9 active key results in 2026-Q3: more than 8"
    assert team_warnings(TeamCycleFacts("growth", "2026-Q3", 8, 3)) == []


def test_a_team_with_more_than_three_objectives_in_a_quarter_warns():
    (warning,) = team_warnings(TeamCycleFacts("growth", "2026-Q3", 4, 4))
    assert warning.code == WarningCode.TEAM_TOO_MANY_OBJECTIVES
    assert team_warnings(TeamCycleFacts("growth", "2026", 4, 4)) == []  # a year, not a quarter


def test_an_objectives_warnings_include_its_teams():
    team = TeamCycleFacts("growth", "2026-Q3", 9, 4)
    assert codes(warnings_of([kr(), kr(), kr()], team=team)) == [
        WarningCode.TEAM_TOO_MANY_ACTIVE_KEY_RESULTS,
        WarningCode.TEAM_TOO_MANY_OBJECTIVES,
    ]
