"""Exercise lifecycle rules, without a database."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.exercises.exercise import Exercise, ExerciseStatus


def new(method: str = "MOSCOW") -> Exercise:
    return Exercise(
        workspace="w",
        objective_id=uuid4(),
        method=method,
        title="t",
        instructions="",
        deadline=None,
        set_size=4,
        actor="po",
    )


def test_lifecycle_draft_open_ballots_close():
    ex = new()
    a, b = uuid4(), uuid4()
    ex.add_candidate(a, None, "", "po")
    ex.add_candidate(b, None, "", "po")
    ex.invite("sam", "Sales", "po")
    ex.open({}, {}, "po")
    ex.submit_ballot("sam", {"a": "MUST"}, "sam")
    ex.submit_ballot("sam", {"a": "SHOULD"}, "sam")  # revised until close
    assert ex.submitted == {"sam": 2}
    ballots = [e.ballot for e in ex.collect_events() if type(e).__name__ == "BallotSubmitted"]
    assert ballots == [{"a": "MUST"}, {"a": "SHOULD"}]
    ex.close("po")
    assert ex.status == ExerciseStatus.CLOSED
    with pytest.raises(ConflictError):
        ex.submit_ballot("sam", {}, "sam")


def test_cannot_open_without_candidates_participants_or_prices():
    ex = new("BUY_A_FEATURE")
    with pytest.raises(ValidationError):
        ex.open({}, {}, "po")
    a, b = uuid4(), uuid4()
    ex.add_candidate(a, 10.0, "", "po")
    ex.add_candidate(b, None, "", "po")
    ex.invite("sam", None, "po")
    with pytest.raises(ValidationError, match="price every candidate"):
        ex.open({}, {}, "po")
    ex.price_candidate(b, 5.0, "po")
    ex.open({}, {"sam": 6.0}, "po")
    assert ex.budgets == {"sam": 6.0}


def test_rescope_while_open_needs_a_reason():
    ex = new()
    a, b, c = uuid4(), uuid4(), uuid4()
    for item in (a, b):
        ex.add_candidate(item, None, "", "po")
    ex.invite("sam", None, "po")
    ex.open({}, {}, "po")
    with pytest.raises(ValidationError):
        ex.add_candidate(c, None, " ", "po")
    ex.add_candidate(c, None, "new insight from support", "po")
    ex.withdraw_candidate(a, "out of scope after all", "po")
    assert set(ex.candidates) == {b, c}
    events = [type(e).__name__ for e in ex.collect_events()]
    assert events[-2:] == ["CandidateAdded", "CandidateWithdrawn"]


def test_only_invited_participants_vote_and_duplicates_are_refused():
    ex = new()
    item = uuid4()
    ex.add_candidate(item, None, "", "po")
    with pytest.raises(ConflictError):
        ex.add_candidate(item, None, "", "po")
    ex.add_candidate(uuid4(), None, "", "po")
    ex.invite("sam", None, "po")
    with pytest.raises(ConflictError):
        ex.invite("sam", None, "po")
    ex.open({}, {}, "po")
    with pytest.raises(ValidationError, match="not invited"):
        ex.submit_ballot("mallory", {}, "mallory")
