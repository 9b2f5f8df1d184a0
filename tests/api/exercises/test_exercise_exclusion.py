"""The owner excludes a respondent with a reason: audited in the history, listed, and a closed
exercise's results are computed again without them; reinstating them counts them again."""

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

EXCLUDED = "query($id: ID!) { exercise(id: $id) { excludedRespondents { respondent reason } } }"


def test_an_excluded_respondent_leaves_the_results_and_the_exclusion_is_audited(
    gql, client_factory
):
    ex, items = moscow_with_deadline(gql, datetime.now(UTC) + timedelta(days=1))
    people = stakeholders(gql, client_factory, ex, {"ann": None, "bot": None})
    open_(gql, ex)
    a, b = (i["id"] for i in items)
    assert vote(people["ann"], ex, votes=[{"backlogItemId": a, "category": "MUST"}])[
        "__typename"
    ] == ("ExerciseSuccess")
    assert vote(people["bot"], ex, votes=[{"backlogItemId": b, "category": "MUST"}])[
        "__typename"
    ] == ("ExerciseSuccess")
    close(gql, ex)
    before = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    assert before["respondents"] == 2

    def exclude(respondent: str, reason: str) -> dict:
        return gql.mutate(
            "excludeRespondent",
            {"exerciseId": ex["id"], "respondent": respondent, "reason": reason},
            EXERCISE,
        )

    assert exclude("nobody", "x")["__typename"] == "ValidationError"
    assert exclude("bot", "")["__typename"] == "ValidationError"
    assert exclude("bot", "answers no better than chance")["__typename"] == "ExerciseSuccess"
    assert exclude("bot", "again")["__typename"] == "ConflictError"

    after = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    assert after["respondents"] == 1
    by_id = {r["backlogItem"]["id"]: r["moscow"] for r in after["items"]}
    assert by_id[a]["must"] == 1 and by_id[b] is None  # bot's vote no longer counts
    assert gql.execute(EXCLUDED, {"id": ex["id"]})["exercise"]["excludedRespondents"] == [
        {"respondent": "bot", "reason": "answers no better than chance"}
    ]
    history = gql.execute(HISTORY, {"id": ex["id"]})["exercise"]["history"]
    assert {"action": "RESPONDENT_EXCLUDED", "reason": "answers no better than chance"} in history
    refused = people["ann"].post(EXCLUDED, {"id": ex["id"]}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_reinstated_respondent_counts_again_and_the_reinstatement_is_audited(gql, client_factory):
    ex, items = moscow_with_deadline(gql, datetime.now(UTC) + timedelta(days=1))
    people = stakeholders(gql, client_factory, ex, {"ann": None, "bot": None})
    open_(gql, ex)
    for who, item in zip(("ann", "bot"), items, strict=True):
        ballot = [{"backlogItemId": item["id"], "category": "MUST"}]
        assert vote(people[who], ex, votes=ballot)["__typename"] == "ExerciseSuccess"
    close(gql, ex)

    def change(mutation: str, reason: str) -> dict:
        return gql.mutate(
            mutation, {"exerciseId": ex["id"], "respondent": "bot", "reason": reason}, EXERCISE
        )

    assert change("reinstateRespondent", "x")["__typename"] == "ValidationError"  # not excluded
    assert change("excludeRespondent", "looked automated")["__typename"] == "ExerciseSuccess"
    assert gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]["respondents"] == 1
    assert change("reinstateRespondent", "")["__typename"] == "ValidationError"
    assert change("reinstateRespondent", "a person, checked")["__typename"] == "ExerciseSuccess"

    after = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    assert after["respondents"] == 2
    assert all(r["moscow"]["must"] == 1 for r in after["items"])  # bot's vote counts again
    assert gql.execute(EXCLUDED, {"id": ex["id"]})["exercise"]["excludedRespondents"] == []
    history = gql.execute(HISTORY, {"id": ex["id"]})["exercise"]["history"]
    assert {"action": "RESPONDENT_REINSTATED", "reason": "a person, checked"} in history
