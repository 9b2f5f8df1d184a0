"""Grading (domain.okrs.grading): progress is direction-aware and unclamped, the grade is
clamped to 0–1, objectives average their key results, teams their objectives."""

from __future__ import annotations

import pytest

from okrank.domain.okrs.grading import attainment, grade, mean_grade, progress


def test_a_key_result_aiming_up_grades_its_share_of_the_way():
    assert progress(10, 20, 17) == pytest.approx(0.7)
    assert grade(10, 20, 17) == pytest.approx(0.7)


def test_a_key_result_aiming_down_grades_its_share_of_the_way_down():
    # churn from 8% down to 4%: at 5% three quarters of the way
    assert progress(8, 4, 5) == pytest.approx(0.75)
    assert grade(8, 4, 5) == pytest.approx(0.75)


def test_overshoot_keeps_its_progress_and_grades_one():
    assert progress(10, 20, 25) == pytest.approx(1.5)
    assert grade(10, 20, 25) == 1.0
    assert progress(8, 4, 2) == pytest.approx(1.5)
    assert grade(8, 4, 2) == 1.0


def test_moving_the_wrong_way_keeps_its_progress_and_grades_zero():
    assert progress(10, 20, 5) == pytest.approx(-0.5)
    assert grade(10, 20, 5) == 0.0
    assert progress(8, 4, 10) == pytest.approx(-0.5)
    assert grade(8, 4, 10) == 0.0


def test_a_key_result_never_checked_in_grades_zero():
    assert grade(10, 20, None) == 0.0


def test_an_objective_grades_the_mean_of_its_key_results():
    assert mean_grade([1.0, 0.5, 0.0]) == pytest.approx(0.5)
    assert mean_grade([]) is None


def test_a_teams_attainment_is_the_mean_of_its_graded_objectives():
    assert attainment([0.9, 0.5, None]) == pytest.approx(0.7)
    assert attainment([None]) is None
