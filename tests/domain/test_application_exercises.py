"""Exercise commands through `OkrankApplication.execute`, in memory: the lifecycle, candidates,
participants, ballots and imports, each with its typed failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import CreateBacklogItem, TagBacklogItem
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.exercises.ballots import BallotInput
from okrank.domain.exercises.commands import (
    AUTO_CLOSE_ACTOR,
    AddExerciseCandidate,
    CloseDueExercise,
    CloseExercise,
    CreateExercise,
    ExcludeRespondent,
    ImportMaxDiffResponses,
    InviteParticipant,
    OpenExercise,
    PriceExerciseCandidate,
    ReinstateRespondent,
    ReopenExercise,
    SetExerciseAutoClose,
    SubmitBallot,
    WithdrawExerciseCandidate,
)
from okrank.domain.exercises.exercise import ExerciseStatus
from okrank.domain.okrs.commands import ActivateObjective, AddKeyResult, CreateObjective
from okrank.domain.rankings.scoring import Tier

OWNER = Actor("w", "owner")
SAM = Actor("w", "sam")  # a stakeholder
STRANGER = Actor("other-workspace", "owner")  # the same subject in another workspace


@pytest.fixture
def objective(app):
    o = app.execute(OWNER, CreateObjective("2026-Q3", "Grow")).aggregate_id
    app.execute(OWNER, AddKeyResult(o, "users", 0, 1))
    app.execute(OWNER, ActivateObjective(o))
    return o


@pytest.fixture
def items(app, objective):
    made = []
    for title in ("Search", "Export", "SSO", "Tour"):
        i = app.execute(OWNER, CreateBacklogItem(title)).aggregate_id
        app.execute(OWNER, TagBacklogItem(i, objective, Tier.DIRECT, "why"))
        made.append(i)
    return made


def exercise(app, objective, items, method="MOSCOW", candidates=3):
    e = app.execute(OWNER, CreateExercise(objective, method, "Vote")).aggregate_id
    for i in items[:candidates]:
        app.execute(OWNER, AddExerciseCandidate(e, i))
    app.execute(OWNER, InviteParticipant(e, SAM.subject, segment="Sales"))
    return e


def test_a_moscow_exercise_from_draft_to_closed_and_reopened(app, objective, items):
    e = exercise(app, objective, items)
    app.execute(OWNER, OpenExercise(e))
    votes = BallotInput(votes=[(items[0], "MUST"), (items[1], "WONT")])
    app.execute(SAM, SubmitBallot(e, votes))
    assert app.repository.get(e).submitted == {"sam": 1}
    app.execute(OWNER, CloseExercise(e))
    app.execute(OWNER, ExcludeRespondent(e, "sam", "answered at random"))
    app.execute(OWNER, ReopenExercise(e, "one more round"))
    saved = app.repository.get(e)
    assert saved.status == ExerciseStatus.OPEN and saved.excluded_respondents == {
        "sam": "answered at random"
    }


def test_create_refuses_an_unknown_method_a_bad_set_size_and_a_missing_objective(app, objective):
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, CreateExercise(objective, "DARTS", "Vote"))
    assert refused.value.path == ["method"]
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, CreateExercise(objective, "MAXDIFF", "Vote", set_size=6))
    assert refused.value.path == ["setSize"]
    with pytest.raises(NotFoundError):
        app.execute(STRANGER, CreateExercise(objective, "MOSCOW", "Vote"))


def test_candidates_must_be_tagged_to_the_objective_and_may_be_withdrawn(app, objective, items):
    e = exercise(app, objective, items, candidates=2)
    untagged = app.execute(OWNER, CreateBacklogItem("Loose")).aggregate_id
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, AddExerciseCandidate(e, untagged))
    assert refused.value.path == ["backlogItemId"]
    with pytest.raises(ConflictError):
        app.execute(OWNER, AddExerciseCandidate(e, items[0]))
    app.execute(OWNER, WithdrawExerciseCandidate(e, items[1]))
    assert list(app.repository.get(e).candidates) == [items[0]]
    with pytest.raises(NotFoundError):
        app.execute(OWNER, AddExerciseCandidate(e, uuid4()))


def test_buy_a_feature_prices_every_candidate_before_opening(app, objective, items):
    e = exercise(app, objective, items, method="BUY_A_FEATURE", candidates=2)
    app.execute(OWNER, PriceExerciseCandidate(e, items[0], 100))
    with pytest.raises(ValidationError):
        app.execute(OWNER, OpenExercise(e))
    app.execute(OWNER, PriceExerciseCandidate(e, items[1], 50))
    app.execute(OWNER, OpenExercise(e, budget=60))
    assert app.repository.get(e).budgets == {"sam": 60}


def test_only_buy_a_feature_takes_prices_and_budgets_and_only_maxdiff_designs(
    app, objective, items
):
    e = exercise(app, objective, items)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, PriceExerciseCandidate(e, items[0], 10))
    assert refused.value.path == ["price"]
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, OpenExercise(e, budget=10))
    assert refused.value.path == ["budget"]
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, OpenExercise(e, design=[items[:3]]))
    assert refused.value.path == ["design"]


def test_maxdiff_opens_with_a_design_per_participant_and_needs_three_candidates(
    app, objective, items
):
    small = exercise(app, objective, items, method="MAXDIFF", candidates=2)
    with pytest.raises(ValidationError):
        app.execute(OWNER, OpenExercise(small))
    e = exercise(app, objective, items, method="MAXDIFF", candidates=4)
    app.execute(OWNER, OpenExercise(e))
    assert app.repository.get(e).sets_of("sam")


def test_ballots_only_from_participants_while_open(app, objective, items):
    e = exercise(app, objective, items)
    votes = BallotInput(votes=[(items[0], "MUST")])
    with pytest.raises(ConflictError) as refused:
        app.execute(OWNER, OpenExercise(e, expected_version=1))
    assert refused.value.current_version == app.repository.get(e).version
    app.execute(OWNER, OpenExercise(e))
    with pytest.raises(ValidationError) as refused:
        app.execute(Actor("w", "eve"), SubmitBallot(e, votes))
    assert refused.value.path == ["exerciseId"]
    with pytest.raises(ValidationError) as refused:
        app.execute(SAM, SubmitBallot(e, BallotInput(votes=[(items[3], "MUST")])))
    assert refused.value.path == ["ballot", "votes", "0", "backlogItemId"]  # not a candidate
    app.execute(OWNER, CloseExercise(e))
    with pytest.raises(ConflictError):
        app.execute(SAM, SubmitBallot(e, votes))


def test_only_maxdiff_imports_responses_and_a_bad_file_imports_nothing(app, objective, items):
    e = exercise(app, objective, items)
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, ImportMaxDiffResponses(e, "respondent,set,items,best,worst\n"))
    assert refused.value.path == ["exerciseId"]
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, ImportMaxDiffResponses(e, "a\x00b"))
    assert refused.value.path == ["csv"]


def test_closing_a_draft_is_a_conflict_and_reopening_needs_a_reason(app, objective, items):
    e = exercise(app, objective, items)
    with pytest.raises(ConflictError):
        app.execute(OWNER, CloseExercise(e))
    app.execute(OWNER, OpenExercise(e))
    app.execute(OWNER, CloseExercise(e))
    with pytest.raises(ValidationError):
        app.execute(OWNER, ReopenExercise(e, ""))


def test_an_excluded_respondent_is_reinstated_with_a_reason(app, objective, items):
    e = exercise(app, objective, items)
    app.execute(OWNER, OpenExercise(e))
    with pytest.raises(ValidationError, match="not excluded"):
        app.execute(OWNER, ReinstateRespondent(e, "sam", "counted after all"))
    app.execute(OWNER, ExcludeRespondent(e, "sam", "answered at random"))
    with pytest.raises(ValidationError) as caught:
        app.execute(OWNER, ReinstateRespondent(e, "sam", " "))
    assert caught.value.path == ["reason"]
    app.execute(OWNER, ReinstateRespondent(e, "sam", "the answers were checked by phone"))
    assert app.repository.get(e).excluded_respondents == {}


def test_the_automatic_close_needs_a_deadline_and_closes_only_when_due(app, objective, items):
    e = exercise(app, objective, items)
    with pytest.raises(ValidationError) as caught:
        app.execute(OWNER, SetExerciseAutoClose(e, True))
    assert caught.value.path == ["autoClose"]
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    due = app.execute(
        OWNER, CreateExercise(objective, "MOSCOW", "Due", deadline=soon, auto_close=True)
    ).aggregate_id
    assert app.repository.get(due).auto_close
    for i in items[:2]:
        app.execute(OWNER, AddExerciseCandidate(due, i))
    app.execute(OWNER, InviteParticipant(due, SAM.subject))
    app.execute(OWNER, OpenExercise(due))
    system = Actor("w", AUTO_CLOSE_ACTOR)
    with pytest.raises(ConflictError, match="not due"):  # the deadline is an hour away
        app.execute(system, CloseDueExercise(due))
    app.execute(OWNER, CloseExercise(due))
    app.execute(OWNER, ReopenExercise(due, "late team", deadline="2020-01-01T00:00:00+00:00"))
    app.execute(system, CloseDueExercise(due))  # the new deadline has passed
    assert app.repository.get(due).status == ExerciseStatus.CLOSED
    with pytest.raises(ConflictError):  # a second closer (another process) changes nothing
        app.execute(system, CloseDueExercise(due))
