"""Stakeholder exercises through the real GraphQL API: selections, set-up, invitations,
opening, closing and ballots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from okrank.api.auth import Role
from tests.support.builders import item, objective, tag

EXERCISE = (
    "... on ExerciseSuccess { exercise { id status version method candidates { price"
    " backlogItem { id title } } } }"
)


PARTICIPATION = """
query($id: ID!) { exercise(id: $id) { id status myParticipation { segment budget
  sets { index items { id } }
  ballot { revisions answers { setIndex bestId worstId } votes { backlogItemId category }
           estimates { backlogItemId reach impact confidence effort }
           allocations { backlogItemId amount } } } } }
"""


RESULTS = """
query($id: ID!, $segment: String) { exercise(id: $id) { status
  results(segment: $segment) { segment respondents budgetTotal spent unspentOnItemsNotBought
    excessReturned
    maxdiffFit { estimator logLikelihood responses referenceItemId confidence
      bootstrapReplicates }
    items { rank score backlogItem { id title }
      maxdiff { shown best worst countingScore utility standardError analyticalUtility share
        referenceUtility referenceStandardError analyticalStandardError analyticalChoiceShare
        analyticalCorrected separation utilityInterval { low high } shareInterval { low high }
        rankInterval { best worst } aheadOfNext respondentsToSeparate }
      riceSession { participants reach impact confidence effort spreadIqr spreadCv }
      moscow { must should could wont consensus }
      buyAFeature { price pooled fundedShare bought backers excess } } }
  segmentResults { segment respondents items { rank backlogItem { title } } }
  segmentAgreement { kendallW pairs { a b spearman } }
  methodAgreement { method commonItems spearman exercise { id } } } }
"""


def setup(
    gql: Any, method: str, titles: list[str], prices: list[float] | None = None
) -> tuple[dict, list[dict], dict]:
    """An active objective, items tagged to it, and a DRAFT exercise with them as candidates."""
    o = objective(gql)
    items = [item(gql, t, rice=(10, 1, 1, 1)) for t in titles]
    for i in items:
        tag(gql, i["id"], o["id"])
    ex = gql.mutate(
        "createExercise",
        {"objectiveId": o["id"], "method": method, "title": f"{method} on activation"},
        EXERCISE,
    )
    assert ex["__typename"] == "ExerciseSuccess", ex
    ex = ex["exercise"]
    for n, i in enumerate(items):
        payload = {"exerciseId": ex["id"], "backlogItemId": i["id"]}
        if prices:
            payload["price"] = prices[n]
        r = gql.mutate("addExerciseCandidate", payload, EXERCISE)
        assert r["__typename"] == "ExerciseSuccess", r
    return o, items, r["exercise"]


def stakeholders(
    gql: Any, client_factory: Any, ex: dict, people: dict[str, str | None]
) -> dict[str, Any]:
    clients = {}
    for subject, segment in people.items():
        r = gql.mutate(
            "inviteParticipant",
            {"exerciseId": ex["id"], "subject": subject, "segment": segment},
            EXERCISE,
        )
        assert r["__typename"] == "ExerciseSuccess", r
        clients[subject] = client_factory(gql.workspace, subject, (Role.STAKEHOLDER,))
    return clients


def open_(gql: Any, ex: dict, **extra: Any) -> dict:
    r = gql.mutate("openExercise", {"exerciseId": ex["id"], **extra}, EXERCISE)
    assert r["__typename"] == "ExerciseSuccess", r
    return r["exercise"]


def close(gql: Any, ex: dict) -> dict:
    r = gql.mutate("closeExercise", {"exerciseId": ex["id"]}, EXERCISE)
    assert r["__typename"] == "ExerciseSuccess", r
    return r["exercise"]


def my_sets(client: Any, ex: dict) -> list[dict]:
    """The sets `client` is shown in `ex` (MaxDiff)."""
    data = client.execute(PARTICIPATION, {"id": ex["id"]})["exercise"]
    return data["myParticipation"]["sets"]


def vote(client: Any, ex: dict, **ballot: Any) -> dict:
    return client.mutate("submitBallot", {"exerciseId": ex["id"], **ballot}, EXERCISE)


HISTORY = "query($id: ID!) { exercise(id: $id) { status deadline history { action reason } } }"


def moscow_with_deadline(gql: Any, deadline: datetime, **extra: Any) -> tuple[dict, list[dict]]:
    """A DRAFT MoSCoW exercise with a deadline and two candidates (`extra`: more fields of
    createExercise)."""
    o = objective(gql)
    items = [item(gql, t, rice=(10, 1, 1, 1)) for t in ("A", "B")]
    for i in items:
        tag(gql, i["id"], o["id"])
    created = gql.mutate(
        "createExercise",
        {
            "objectiveId": o["id"],
            "method": "MOSCOW",
            "title": "due already",
            "deadline": deadline.isoformat(),
            **extra,
        },
        EXERCISE,
    )
    assert created["__typename"] == "ExerciseSuccess", created
    ex = created["exercise"]
    for i in items:
        r = gql.mutate(
            "addExerciseCandidate", {"exerciseId": ex["id"], "backlogItemId": i["id"]}, EXERCISE
        )
        assert r["__typename"] == "ExerciseSuccess", r
    return ex, items


IMPORT = (
    "... on ExerciseSuccess { exercise { id version importedResponses } }"
    " ... on CsvImportError { omitted rows { line message } }"
)


def maxdiff_exercise(gql: Any, titles: list[str]) -> dict:
    o = objective(gql)
    items = [item(gql, t) for t in titles]
    for i in items:
        tag(gql, i["id"], o["id"])
    ex = gql.mutate(
        "createExercise",
        {"objectiveId": o["id"], "method": "MAXDIFF", "title": "imported"},
        EXERCISE,
    )["exercise"]
    for i in items:
        r = gql.mutate(
            "addExerciseCandidate", {"exerciseId": ex["id"], "backlogItemId": i["id"]}, EXERCISE
        )
        assert r["__typename"] == "ExerciseSuccess", r
    return ex


def closed_moscow(gql: Any, client_factory: Any) -> tuple[dict, dict, Any]:
    """A closed MoSCoW exercise on a fresh objective, with `sam` (STAKEHOLDER) having voted."""
    o, items, ex = setup(gql, "MOSCOW", ["SSO", "Audit log", "Dark mode"])
    sam = stakeholders(gql, client_factory, ex, {"sam": "Sales"})["sam"]
    open_(gql, ex)
    votes = [
        {"backlogItemId": i["id"], "category": c}
        for i, c in zip(items, ("MUST", "SHOULD", "WONT"), strict=True)
    ]
    assert vote(sam, ex, votes=votes)["__typename"] == "ExerciseSuccess"
    close(gql, ex)
    return o, ex, sam
