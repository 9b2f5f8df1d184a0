"""Bulk: many participants invited in one command and one save (inviteParticipants, or
openExercise with participants), each still one ParticipantInvited event; a refused one (named
by its index) invites none."""

from __future__ import annotations

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import CreateBacklogItem, TagBacklogItem
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.exercises.commands import (
    AddExerciseCandidate,
    CreateExercise,
    Invitation,
    InviteParticipant,
    InviteParticipants,
    OpenExercise,
)
from okrank.domain.exercises.exercise import MAX_PARTICIPANTS, ExerciseStatus
from okrank.domain.okrs.commands import ActivateObjective, AddKeyResult, CreateObjective
from okrank.domain.rankings.scoring import Tier

OWNER = Actor("w", "owner")


@pytest.fixture
def draft(app):
    """A DRAFT MaxDiff exercise with five candidates and no participants."""
    o = app.execute(OWNER, CreateObjective("2026-Q3", "Grow")).aggregate_id
    app.execute(OWNER, AddKeyResult(o, "users", 0, 1))
    app.execute(OWNER, ActivateObjective(o))
    e = app.execute(OWNER, CreateExercise(o, "MAXDIFF", "Vote", set_size=3)).aggregate_id
    for title in ("Search", "Export", "SSO", "Tour", "Billing"):
        i = app.execute(OWNER, CreateBacklogItem(title)).aggregate_id
        app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why"))
        app.execute(OWNER, AddExerciseCandidate(e, i))
    return e


def people(n: int) -> list[Invitation]:
    return [Invitation(f"p{k}", ("Sales", "Support")[k % 2]) for k in range(n)]


def saved_events(app, since: int) -> list[str]:
    return [n.topic.rsplit(".", 1)[-1] for n in app.recorder.select_notifications(since + 1, 5000)]


def test_opening_with_1000_participants_is_one_command_and_one_save(app, draft):
    before = app.recorder.max_notification_id()
    result = app.execute(OWNER, OpenExercise(draft, participants=people(1000)))
    ex = app.repository.get(draft)
    assert ex.status == ExerciseStatus.OPEN
    assert len(ex.participants) == 1000 and ex.participants["p1"] == "Support"
    assert len(ex.designs) == 1000  # every invitee got its MaxDiff version
    events = saved_events(app, before)
    assert events == ["ParticipantInvited"] * 1000 + ["Opened"]
    assert result.version == ex.version


def test_invite_participants_saves_every_invitation_at_once(app, draft):
    before = app.recorder.max_notification_id()
    app.execute(OWNER, InviteParticipants(draft, people(300)))
    assert saved_events(app, before) == ["ParticipantInvited"] * 300
    assert len(app.repository.get(draft).participants) == 300


def test_a_batch_invitation_while_open_hands_each_late_participant_its_sets(app, draft):
    app.execute(OWNER, OpenExercise(draft, participants=people(2)))
    app.execute(OWNER, InviteParticipants(draft, [Invitation("late-1"), Invitation("late-2")]))
    ex = app.repository.get(draft)
    assert ex.sets_of("late-1") and ex.sets_of("late-2")


def test_one_refused_invitation_invites_none_and_is_named_by_its_index(app, draft):
    app.execute(OWNER, InviteParticipant(draft, "p3"))
    version = app.repository.get(draft).version
    with pytest.raises(ConflictError) as conflict:
        app.execute(OWNER, InviteParticipants(draft, people(10)))
    assert "participants.3" in conflict.value.message
    with pytest.raises(ValidationError) as bad:
        app.execute(OWNER, OpenExercise(draft, participants=[Invitation("ok"), Invitation(" ")]))
    assert bad.value.path[:2] == ["participants", "1"]
    ex = app.repository.get(draft)
    assert ex.version == version and list(ex.participants) == ["p3"]
    assert ex.status == ExerciseStatus.DRAFT


def test_a_batch_twice_the_same_subject_is_refused(app, draft):
    with pytest.raises(ConflictError, match=r"participants\.1 "):
        app.execute(OWNER, InviteParticipants(draft, [Invitation("sam"), Invitation("sam")]))
    assert app.repository.get(draft).participants == {}


def test_batches_are_bounded_and_not_empty(app, draft):
    with pytest.raises(ValidationError) as empty:
        app.execute(OWNER, InviteParticipants(draft, []))
    assert empty.value.path == ["participants"]
    with pytest.raises(ValidationError, match=f"at most {MAX_PARTICIPANTS}"):
        app.execute(OWNER, InviteParticipants(draft, people(MAX_PARTICIPANTS + 1)))


def test_an_open_exercise_is_not_opened_again_with_participants(app, draft):
    app.execute(OWNER, OpenExercise(draft, participants=people(1)))
    with pytest.raises(ConflictError, match="needs DRAFT"):
        app.execute(OWNER, OpenExercise(draft, participants=[Invitation("late")]))
    assert list(app.repository.get(draft).participants) == ["p0"]
