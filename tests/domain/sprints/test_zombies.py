"""The zombie rule: which sprints and cycles an open item survived, and when it is a zombie."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from okrank.domain.sprints.zombies import (
    SprintSpan,
    ZombieThresholds,
    cycles_survived,
    is_zombie,
    sprints_survived,
)


def at(y, m, d):
    return datetime(y, m, d, tzinfo=UTC)


@pytest.mark.parametrize(
    ("created", "now", "cycles"),
    [
        (at(2026, 2, 10), at(2026, 6, 30), 0),  # Q1 began before it, Q2 still runs
        (at(2026, 2, 10), at(2026, 7, 1), 1),  # Q2 whole
        (at(2026, 4, 1), at(2026, 7, 1), 1),  # created at Q2's first instant: Q2 counts
        (at(2026, 11, 5), at(2027, 4, 2), 1),  # across a year: 2027-Q1
        (at(2026, 1, 1), at(2027, 1, 1), 4),
    ],
)
def test_an_item_survives_the_whole_quarters_between_its_creation_and_now(created, now, cycles):
    assert cycles_survived(created, now) == cycles


def test_an_item_survives_the_closed_sprints_that_started_after_it_existed():
    spans = [
        SprintSpan("s2", at(2026, 7, 15), at(2026, 7, 28)),
        SprintSpan("s0", at(2026, 6, 1), at(2026, 6, 14)),  # before the item: not survived
        SprintSpan("s1", at(2026, 7, 1), at(2026, 7, 14)),
    ]
    survived = sprints_survived(at(2026, 6, 20), spans)
    assert [s.sprint_id for s in survived] == ["s1", "s2"]


@pytest.mark.parametrize(
    ("tagged", "sprints", "cycles", "zombie"),
    [
        (False, 3, 0, True),  # three sprints: the default
        (False, 2, 0, False),
        (False, 0, 1, True),  # one cycle: the default
        (True, 9, 9, False),  # a tag to an active objective is a strategic connection
    ],
)
def test_a_zombie_has_no_tag_to_an_active_objective_and_outlived_a_threshold(
    tagged, sprints, cycles, zombie
):
    assert is_zombie(tagged, sprints, cycles, ZombieThresholds()) is zombie
