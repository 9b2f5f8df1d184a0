"""Many participants over HTTP in one change: `openExercise` with `participants` and
`inviteParticipants` answer once every participant is readable; a bad entry (named by its
index), a duplicate or a stakeholder's call changes nothing."""

from __future__ import annotations

from okrank.api.auth import Role
from tests.support.exercises import EXERCISE, PARTICIPATION, setup

PEOPLE = """query($id: ID!) { exercise(id: $id) { status version
  participants { subject segment } } }"""


def test_opening_with_300_participants_answers_once_all_are_readable(gql, client_factory):
    _, _, ex = setup(gql, "MAXDIFF", ["SSO", "Audit log", "Dark mode", "Search", "Export"])
    given = [{"subject": f"p{n}", "segment": ("Sales", "Support")[n % 2]} for n in range(300)]
    r = gql.mutate("openExercise", {"exerciseId": ex["id"], "participants": given}, EXERCISE)
    assert r["__typename"] == "ExerciseSuccess", r
    assert r["exercise"]["status"] == "OPEN"
    seen = gql.execute(PEOPLE, {"id": ex["id"]})["exercise"]["participants"]
    assert sorted((p["subject"], p["segment"]) for p in seen) == sorted(
        (p["subject"], p["segment"]) for p in given
    )
    p7 = client_factory(gql.workspace, "p7", (Role.STAKEHOLDER,))
    mine = p7.execute(PARTICIPATION, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert mine["segment"] == "Support" and mine["sets"]

    late = [{"subject": "late-1"}, {"subject": "late-2", "segment": "Sales"}]
    r = gql.mutate("inviteParticipants", {"exerciseId": ex["id"], "participants": late}, EXERCISE)
    assert r["__typename"] == "ExerciseSuccess", r
    seen = gql.execute(PEOPLE, {"id": ex["id"]})["exercise"]["participants"]
    assert len(seen) == 302


def test_a_bad_batch_changes_nothing(gql, client_factory):
    _, _, ex = setup(gql, "MOSCOW", ["SSO", "Audit log", "Dark mode"])
    before = gql.execute(PEOPLE, {"id": ex["id"]})["exercise"]
    blank = [{"subject": "ok"}, {"subject": "  "}]
    r = gql.mutate("openExercise", {"exerciseId": ex["id"], "participants": blank}, EXERCISE)
    assert r["__typename"] == "ValidationError", r
    assert r["path"] == ["input", "participants", "1", "subject"]
    nul = [{"subject": "ok", "segment": "Sa\x00les"}]
    r = gql.mutate("inviteParticipants", {"exerciseId": ex["id"], "participants": nul}, EXERCISE)
    assert r["__typename"] == "ValidationError", r
    twice = [{"subject": "sam"}, {"subject": "sam"}]
    r = gql.mutate("inviteParticipants", {"exerciseId": ex["id"], "participants": twice}, EXERCISE)
    assert r["__typename"] == "ConflictError" and "participants.1" in r["message"], r
    r = gql.mutate("inviteParticipants", {"exerciseId": ex["id"], "participants": []}, EXERCISE)
    assert r["__typename"] == "ValidationError", r
    sam = client_factory(gql.workspace, "sam", (Role.STAKEHOLDER,))
    r = sam.mutate("inviteParticipants", {"exerciseId": ex["id"], "participants": twice}, "")
    assert r["__typename"] == "PermissionDeniedError", r
    assert gql.execute(PEOPLE, {"id": ex["id"]})["exercise"] == before
