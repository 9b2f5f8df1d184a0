"""Bulk: opening an exercise of 1,000 participants stores one event (the projections apply one
event, not one per participant)."""

from __future__ import annotations

from uuid import uuid4

from okrank.domain.exercises.exercise import Exercise


def test_opening_an_exercise_of_1000_participants_is_one_event():
    ex = Exercise(
        workspace="w",
        objective_id=uuid4(),
        method="MOSCOW",
        title="t",
        instructions="",
        deadline=None,
        set_size=4,
        actor="po",
    )
    for _ in range(3):
        ex.add_candidate(uuid4(), None, "", "po")
    for n in range(1000):
        ex.invite(f"participant {n}", ("Sales", "Support")[n % 2], "po")
    ex.collect_events()
    ex.open({}, {}, "po")
    assert [type(e).__name__ for e in ex.collect_events()] == ["Opened"]
