"""Time travel through the real endpoint: live answers recorded at moments of a test (tag,
retag, score, check in, recalibrate, activate, close, change status, untag, justify), then
asked `asOf` each moment afterwards, equal field for field (grades, hygiene and check-ins
included), cursors included; bad `asOf` values are typed errors naming the argument; another
workspace's objects are not found as of any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from okrank.api.auth import Role
from tests.support.builders import ITEM, item, objective, tag

ITEM_FIELDS = """id title description kind status rice { reach impact confidence effort }
  riceScore wsjf { businessValue timeCriticality riskReduction jobSize } wsjfScore
  nonStrategicJustification version createdAt createdBy updatedAt externalKey labels eligible team
  tags { tier taggedAt taggedBy reason objective { id status version } keyResult { id metric } }"""
OBJECTIVE_FIELDS = """id cycle title status version createdAt createdBy updatedAt warnings
  grade hygiene { code message keyResultId }
  keyResults { id metric createdAt currentValue progress grade confidence lastCheckInAt
    checkIns(first: 1) { edges { cursor node { value confidence note checkedInAt checkedInBy } }
      pageInfo { hasNextPage endCursor } } }
  parent { id status }"""
RANKING_FIELDS = f"""totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
  edges {{ cursor node {{ rank baseScore multiplier tier priority eligible scored
  backlogItem {{ {ITEM_FIELDS} }} }} }}"""
ITEMS_FIELDS = f"""edges {{ cursor node {{ {ITEM_FIELDS} }} }}
  pageInfo {{ hasNextPage endCursor }}"""
STATE = f"""query($item: ID!, $objective: ID!, $other: ID!, $asOf: DateTime) {{
  backlogItem(id: $item, asOf: $asOf) {{ {ITEM_FIELDS} }}
  objective(id: $objective, asOf: $asOf) {{ {OBJECTIVE_FIELDS} }}
  other: objective(id: $other, asOf: $asOf) {{ {OBJECTIVE_FIELDS} }}
  backlogItems(first: 100, asOf: $asOf) {{ {ITEMS_FIELDS} }}
  tagged: backlogItems(filter: {{ objectiveId: $objective }}, asOf: $asOf) {{ {ITEMS_FIELDS} }}
  untagged: backlogItems(filter: {{ tagged: false, status: CANDIDATE }}, asOf: $asOf)
    {{ {ITEMS_FIELDS} }}
  objectiveRanking: ranking(objectiveId: $objective, asOf: $asOf) {{ {RANKING_FIELDS} }}
  product: ranking(asOf: $asOf) {{ {RANKING_FIELDS} }}
  wsjf: ranking(method: WSJF, eligibleOnly: true, asOf: $asOf) {{ {RANKING_FIELDS} }}
  firstTwo: ranking(first: 2, asOf: $asOf) {{ {RANKING_FIELDS} }}
  alignmentMultipliers(asOf: $asOf) {{
    direct indirect untagged version updatedAt updatedBy reason }}
}}"""
NEXT_PAGE = f"""query($after: String, $asOf: DateTime) {{
  ranking(first: 2, after: $after, asOf: $asOf) {{ {RANKING_FIELDS} }} }}"""


def rice(reach: float, impact: float = 1, confidence: float = 1, effort: float = 1) -> dict:
    return {"rice": {"reach": reach, "impact": impact, "confidence": confidence, "effort": effort}}


def check_in(gql: Any, key_result: str, value: float, confidence: float, note: str) -> None:
    checked = {"keyResultId": key_result, "value": value, "confidence": confidence, "note": note}
    assert gql.mutate("checkInKeyResult", checked, "")["__typename"] == "CheckInSuccess"


class Recorder:
    """Live answers and the moment each was read at."""

    def __init__(self, client: Any, ids: dict[str, str]) -> None:
        self.client, self.ids = client, ids
        self.moments: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def live(self, as_of: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        state = self.client.execute(STATE, {**self.ids, "asOf": as_of})
        after = state["firstTwo"]["pageInfo"]["endCursor"]
        return state, self.client.execute(NEXT_PAGE, {"after": after, "asOf": as_of})

    def record(self) -> None:
        state, next_page = self.live()
        self.moments.append((datetime.now(UTC).isoformat(), state, next_page))


def test_as_of_each_recorded_moment_answers_what_the_live_queries_answered_then(
    gql, client_factory
):
    company = objective(gql, "Company goal", key_results=1)
    o = objective(gql, "Grow activation", key_results=2)
    later = objective(gql, "Later goal", active=False, key_results=1)
    a = item(gql, "SSO", rice=(100, 1, 1, 2))
    b = item(gql, "Audit log", rice=(50, 2, 0.5, 1), wsjf=(8, 5, 3, 2))
    c = item(gql, "Dark mode", team="Growth")
    ids = {"item": a["id"], "objective": o["id"], "other": later["id"]}
    recorder = Recorder(gql, ids)
    recorder.record()  # items scored, nothing tagged

    kr1, kr2 = (k["id"] for k in o["keyResults"])
    tag(gql, a["id"], o["id"], key_result_id=kr1, reason="enterprise deals")
    tag(gql, b["id"], o["id"], tier="INDIRECT", reason="compliance")
    tag(gql, c["id"], company["id"], tier="INDIRECT")
    recorder.record()

    retag = {"backlogItemId": a["id"], "objectiveId": o["id"], "tier": "INDIRECT"}
    gql.mutate("retagBacklogItem", {**retag, "keyResultId": kr2, "reason": "less direct"}, ITEM)
    gql.mutate("scoreBacklogItem", {"backlogItemId": b["id"], **rice(400)}, ITEM)
    check_in(gql, kr1, 20, 0.6, "first review")
    recorder.record()
    check_in(gql, kr1, 45, 0.7, "second review")
    check_in(gql, kr2, 10, 0.4, "")

    multipliers = {"direct": 3, "indirect": 1.5, "untagged": 0.25, "reason": "focus on OKRs"}
    assert gql.mutate("recalibrateAlignmentMultipliers", multipliers, "")["__typename"] != (
        "ValidationError"
    )
    tag(gql, a["id"], later["id"], reason="next quarter too")
    gql.mutate("activateObjective", {"objectiveId": later["id"]}, "__typename")
    recorder.record()

    gql.mutate("closeObjective", {"objectiveId": o["id"]}, "__typename")
    status = {"backlogItemId": b["id"], "status": "DONE", "reason": "shipped"}
    gql.mutate("changeBacklogItemStatus", status, ITEM)
    recorder.record()

    untag = {"backlogItemId": a["id"], "objectiveId": o["id"], "reason": "objective closed"}
    gql.mutate("untagBacklogItem", untag, ITEM)
    d = item(gql, "Upgrade TLS", rice=(10, 3, 1, 1))
    justify = {"backlogItemId": d["id"], "justification": "security baseline"}
    gql.mutate("justifyNonStrategic", justify, ITEM)
    recorder.record()

    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    auditor_view = Recorder(auditor, ids)
    assert len({str(state) for _, state, _ in recorder.moments}) == len(recorder.moments)
    for at, state, next_page in recorder.moments:
        assert recorder.live(at) == (state, next_page), at
        assert auditor_view.live(at) == (state, next_page), at


def errors(client: Any, query: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post(query, variables)
    assert response.status_code == 200, response.text
    return response.json()["errors"]


ITEM_AS_OF = "query($id: ID!, $asOf: DateTime) { backlogItem(id: $id, asOf: $asOf) { id } }"
RANKING_AS_OF = """query($o: ID, $asOf: DateTime) { ranking(objectiveId: $o, asOf: $asOf) {
  totalCount } }"""


def test_as_of_in_the_future_or_before_the_workspace_existed_is_bad_input_naming_as_of(
    gql, client_factory
):
    empty = client_factory()
    never = errors(empty, RANKING_AS_OF, {"asOf": datetime.now(UTC).isoformat()})
    i = item(gql, "SSO")
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    past = "2001-01-01T00:00:00Z"
    for found in (
        never,
        errors(gql, ITEM_AS_OF, {"id": i["id"], "asOf": future}),
        errors(gql, ITEM_AS_OF, {"id": i["id"], "asOf": past}),
        errors(gql, RANKING_AS_OF, {"asOf": past}),
    ):
        (error,) = found
        assert error["message"].startswith("asOf "), error
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "asOf"}
    assert "future" in errors(gql, ITEM_AS_OF, {"id": i["id"], "asOf": future})[0]["message"]
    assert "before the workspace existed" in never[0]["message"]


def test_another_workspaces_objects_are_not_found_as_of_any_moment(gql, client_factory):
    o = objective(gql)
    i = item(gql, "SSO", rice=(10, 1, 1, 1))
    tag(gql, i["id"], o["id"])
    stranger = client_factory()
    item(stranger, "Theirs")
    now = datetime.now(UTC).isoformat()
    assert stranger.execute(ITEM_AS_OF, {"id": i["id"], "asOf": now}) == {"backlogItem": None}
    query = "query($id: ID!, $asOf: DateTime) { objective(id: $id, asOf: $asOf) { id } }"
    assert stranger.execute(query, {"id": o["id"], "asOf": now}) == {"objective": None}
    (error,) = errors(stranger, RANKING_AS_OF, {"o": o["id"], "asOf": now})
    assert error["extensions"]["code"] == "NOT_FOUND"
    product = stranger.execute(RANKING_AS_OF, {"asOf": now})["ranking"]
    assert product == {"totalCount": 1}


def test_an_exercise_ranking_as_of_is_refused_naming_as_of(gql):
    query = """query($x: ID!, $asOf: DateTime) {
      ranking(method: EXERCISE, exerciseId: $x, asOf: $asOf) { totalCount } }"""
    item(gql, "SSO")
    x = "RXhlcmNpc2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"
    (error,) = errors(gql, query, {"x": x, "asOf": datetime.now(UTC).isoformat()})
    assert error["extensions"]["argument"] == "asOf"
