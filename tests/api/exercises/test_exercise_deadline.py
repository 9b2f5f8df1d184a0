"""An exercise's deadline is enforced (ballots after it are refused with a clear error), and a
closed exercise can be reopened with a reason, audited in its history, its results withdrawn
until it closes again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.exercises import (
    EXERCISE,
    HISTORY,
    RESULTS,
    close,
    moscow_with_deadline,
    open_,
    stakeholders,
    vote,
)


def test_a_ballot_after_the_deadline_is_refused_and_reopening_takes_ballots_again(
    gql, client_factory
):
    """Was informational only: ballots after the deadline were accepted; no way to reopen."""
    past = datetime.now(UTC) - timedelta(hours=1)
    ex, items = moscow_with_deadline(gql, past)
    voter = stakeholders(gql, client_factory, ex, {"late": None})["late"]
    open_(gql, ex)
    ballot = {"votes": [{"backlogItemId": items[0]["id"], "category": "MUST"}]}
    refused = vote(voter, ex, **ballot)
    assert refused["__typename"] == "ConflictError", refused
    assert "deadline" in refused["message"] and "has passed" in refused["message"]

    close(gql, ex)
    assert gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]["respondents"] == 0
    # A reason is required; an OPEN exercise cannot be reopened.
    no_reason = gql.mutate("reopenExercise", {"exerciseId": ex["id"], "reason": " "}, EXERCISE)
    assert no_reason["__typename"] == "ValidationError" and no_reason["path"][-1] == "reason"
    due = datetime.now(UTC) + timedelta(days=7)
    again = gql.mutate(
        "reopenExercise",
        {"exerciseId": ex["id"], "reason": "two teams missed it", "deadline": due.isoformat()},
        EXERCISE,
    )
    assert again["__typename"] == "ExerciseSuccess" and again["exercise"]["status"] == "OPEN"
    twice = gql.mutate("reopenExercise", {"exerciseId": ex["id"], "reason": "x"}, EXERCISE)
    assert twice["__typename"] == "ConflictError"
    assert gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"] is None  # withdrawn

    assert vote(voter, ex, **ballot)["__typename"] == "ExerciseSuccess"
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    assert result["respondents"] == 1 and result["items"][0]["moscow"]["must"] == 1
    seen = gql.execute(HISTORY, {"id": ex["id"]})["exercise"]
    assert datetime.fromisoformat(seen["deadline"]) == due
    actions = [(h["action"], h["reason"]) for h in seen["history"]]
    assert ("REOPENED", "two teams missed it") in actions
    assert [a for a, _ in actions].count("CLOSED") == 2
