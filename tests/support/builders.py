"""Builders for test data through the real GraphQL API."""

from __future__ import annotations

from typing import Any

OBJECTIVE = "... on ObjectiveSuccess { objective { id status version keyResults { id metric } } }"
ITEM = (
    "... on BacklogItemSuccess { backlogItem { id title status version riceScore wsjfScore"
    " nonStrategicJustification eligible tags { tier reason taggedBy objective { id }"
    " keyResult { id } } } }"
)


def objective(
    gql: Any,
    title: str = "Grow activation",
    active: bool = True,
    key_results: int = 1,
    cycle: str = "2026-Q3",
) -> dict[str, Any]:
    o = gql.mutate("createObjective", {"cycle": cycle, "title": title}, OBJECTIVE)["objective"]
    for n in range(key_results):
        o = gql.mutate(
            "addKeyResult",
            {"objectiveId": o["id"], "metric": f"metric {n}", "baseline": 0, "target": 100},
            OBJECTIVE,
        )["objective"]
    if active:
        o = gql.mutate("activateObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]
    return o


def item(
    gql: Any,
    title: str = "Onboarding checklist",
    rice: tuple | None = None,
    wsjf: tuple | None = None,
    team: str | None = None,
) -> dict[str, Any]:
    created = {"title": title} if team is None else {"title": title, "team": team}
    i = gql.mutate("createBacklogItem", created, ITEM)["backlogItem"]
    score: dict[str, Any] = {}
    if rice:
        score["rice"] = dict(zip(("reach", "impact", "confidence", "effort"), rice, strict=True))
    if wsjf:
        score["wsjf"] = dict(
            zip(("businessValue", "timeCriticality", "riskReduction", "jobSize"), wsjf, strict=True)
        )
    if score:
        i = gql.mutate("scoreBacklogItem", {"backlogItemId": i["id"], **score}, ITEM)["backlogItem"]
    return i


def tag(
    gql: Any,
    item_id: str,
    objective_id: str,
    tier: str = "DIRECT",
    reason: str = "moves the metric",
    key_result_id: str | None = None,
) -> dict[str, Any]:
    payload = {
        "backlogItemId": item_id,
        "objectiveId": objective_id,
        "tier": tier,
        "reason": reason,
    }
    if key_result_id:
        payload["keyResultId"] = key_result_id
    return gql.mutate("tagBacklogItem", payload, ITEM)


RANKING = """
query($objectiveId: ID, $method: RankingMethod!, $first: Int!, $after: String,
      $eligibleOnly: Boolean! = false) {
  ranking(objectiveId: $objectiveId, method: $method, first: $first, after: $after,
          eligibleOnly: $eligibleOnly) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { rank baseScore multiplier tier priority eligible scored
                          backlogItem { id title } } }
  }
}
"""


def ranking(
    gql: Any,
    objective_id: str | None = None,
    method: str = "RICE",
    first: int = 50,
    after: str | None = None,
    eligible_only: bool = False,
) -> dict[str, Any]:
    return gql.execute(
        RANKING,
        {
            "objectiveId": objective_id,
            "method": method,
            "first": first,
            "after": after,
            "eligibleOnly": eligible_only,
        },
    )["ranking"]
