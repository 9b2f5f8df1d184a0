"""Sprint helpers through the real GraphQL API: create, plan, start and close a sprint, mark an
item done and check a key result in at the review."""

from __future__ import annotations

from typing import Any

SPRINT = (
    "... on SprintSuccess { sprint { id status version team cycle startDate endDate goal"
    " goalKeyResult { id } goalObjective { id }"
    " items { outcome plannedBy override { reason by } item { id } }"
    " overrides { override { reason by } item { id } } } }"
)


def new_sprint(
    gql: Any,
    key_result: str,
    start: str,
    end: str,
    team: str = "Growth",
    cycle: str = "2026-Q3",
    goal: str = "Signup",
) -> dict[str, Any]:
    data = {
        "team": team,
        "cycle": cycle,
        "startDate": start,
        "endDate": end,
        "goal": goal,
        "goalKeyResultId": key_result,
    }
    return gql.mutate("createSprint", data, SPRINT)


def plan(gql: Any, sprint: str, item_id: str, **more: Any) -> dict[str, Any]:
    data = {"sprintId": sprint, "backlogItemId": item_id, **more}
    return gql.mutate("planSprintItem", data, SPRINT)


def lifecycle(gql: Any, name: str, sprint: str) -> dict[str, Any]:
    answer = gql.mutate(name, {"sprintId": sprint}, SPRINT)
    assert answer["__typename"] == "SprintSuccess", answer
    return answer["sprint"]


def done(gql: Any, item_id: str) -> None:
    answer = gql.mutate(
        "changeBacklogItemStatus",
        {"backlogItemId": item_id, "status": "DONE"},
        "... on BacklogItemSuccess { backlogItem { status } }",
    )
    assert answer["backlogItem"]["status"] == "DONE"


def check_in(gql: Any, key_result: str, value: float, note: str) -> None:
    answer = gql.mutate(
        "checkInKeyResult",
        {"keyResultId": key_result, "value": value, "confidence": 0.6, "note": note},
        "... on CheckInSuccess { checkIn { value } }",
    )
    assert answer["__typename"] == "CheckInSuccess", answer
