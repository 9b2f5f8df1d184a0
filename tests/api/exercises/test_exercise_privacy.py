"""Exercise results stay with the team: a STAKEHOLDER (invited or not) never sees an exercise's
results through any door (the EXERCISE ranking, the plan, rankingChanged over WebSocket, SSE or
multipart), while owners and MEMBERs do. Through the real GraphQL endpoint."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from okrank.api.auth import Role
from okrank.api.graphql.ids import encode_cursor
from tests.support.builders import item, tag
from tests.support.exercises import close, closed_moscow, open_, setup, stakeholders, vote
from tests.support.subscriptions import transport

CHANGES = """
subscription($o: ID, $after: String, $method: RankingMethod) {
  rankingChanged(objectiveId: $o, after: $after, method: $method) {
    cursor backlogItemId method exerciseId cause } }
"""
EXERCISE_RANKING = """
query($o: ID!, $e: ID!) { ranking(objectiveId: $o, method: EXERCISE, exerciseId: $e)
  { edges { node { rank baseScore backlogItem { title } } } } }
"""
PLAN = """
query($o: ID!, $e: ID!) { plan(cycle: "2026-Q3", capacity: 10,
  allocations: [{objectiveId: $o, share: 1, exerciseId: $e}])
  { objectives { accepted { rank backlogItem { title } } } } }
"""
FROM_THE_START = encode_cursor([0, -1])


def forbidden(client: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = client.post(query, variables).json()
    assert body["data"] is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    return body


def test_stakeholders_get_forbidden_from_the_exercise_ranking_and_plan_members_see_them(
    gql, client_factory
):
    o, ex, sam = closed_moscow(gql, client_factory)
    ids = {"o": o["id"], "e": ex["id"]}
    outsider = client_factory(gql.workspace, "eve", (Role.STAKEHOLDER,))
    for stakeholder in (sam, outsider):  # invited or not: the same answer, no existence oracle
        refused = forbidden(stakeholder, EXERCISE_RANKING, ids)
        assert "SSO" not in str(refused)
        assert "SSO" not in str(forbidden(stakeholder, PLAN, ids))
    member = client_factory(gql.workspace, "mia", (Role.MEMBER,))
    for reader in (gql, member):
        ranked = reader.execute(EXERCISE_RANKING, ids)["ranking"]["edges"]
        assert [e["node"]["backlogItem"]["title"] for e in ranked] == [
            "SSO",
            "Audit log",
            "Dark mode",
        ]
        planned = reader.execute(PLAN, ids)["plan"]["objectives"][0]["accepted"]
        assert planned[0]["backlogItem"]["title"] == "SSO"
    # The exercise itself stays visible to its participant, without results.
    seen = sam.post(
        "query($e: ID!) { node(id: $e) { ... on Exercise { title results { respondents } } } }",
        {"e": ex["id"]},
    ).json()
    assert seen["data"]["node"] == {"title": "MOSCOW on activation", "results": None}
    assert seen["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def changes_until(
    token: str,
    url: str,
    variables: dict[str, Any],
    marker: str,
    first: asyncio.Event | None = None,
) -> list:
    """rankingChanged over a real WebSocket, until `marker` is tagged (its RICE change); `first`
    is set when the first change arrives."""
    got: list[dict] = []
    server = type("Server", (), {"url": url})
    async with Client(transport=transport(server, token)) as session:
        stream = session.subscribe(GraphQLRequest(CHANGES, variable_values=variables))
        async with asyncio.timeout(30), contextlib.aclosing(stream):  # closed: no 10 s close
            async for result in stream:
                change = result["rankingChanged"]
                got.append(change)
                if first is not None:
                    first.set()
                if (change["backlogItemId"], change["method"], change["cause"]) == (
                    marker,
                    "RICE",
                    "TAGGED",
                ):
                    return got
    raise AssertionError("the subscription ended before the marker")


def test_stakeholder_subscribers_receive_no_exercise_changes_while_owners_and_members_do(
    gql, client_factory
):
    o, items, ex = setup(gql, "MOSCOW", ["SSO", "Audit log", "Dark mode"])
    sam = stakeholders(gql, client_factory, ex, {"sam": "Sales"})["sam"]
    member = client_factory(gql.workspace, "mia", (Role.MEMBER,))
    open_(gql, ex)
    votes = [{"backlogItemId": i["id"], "category": "MUST"} for i in items]
    assert vote(sam, ex, votes=votes)["__typename"] == "ExerciseSuccess"
    marker = item(gql, "marker", rice=(1, 1, 1, 1))
    everything = {"after": FROM_THE_START}
    one_objective = {"o": o["id"], "after": FROM_THE_START}

    async def live() -> dict[str, list]:
        # Each subscription replays from the start, so it is registered (and the close below
        # reaches it live) once its first change has arrived.
        subscribers = {
            "owner": (gql, everything),
            "member": (member, one_objective),
            "sam, every ranking": (sam, everything),
            "sam, the objective": (sam, one_objective),
        }
        tasks, firsts = {}, []
        for name, (client, variables) in subscribers.items():
            firsts.append(asyncio.Event())
            tasks[name] = asyncio.create_task(
                changes_until(client.token, client.url, variables, marker["id"], firsts[-1])
            )
        async with asyncio.timeout(30):
            for registered in firsts:
                await registered.wait()
        await asyncio.to_thread(close, gql, ex)
        await asyncio.to_thread(tag, gql, marker["id"], o["id"])
        return {name: await task for name, task in tasks.items()}

    received = asyncio.run(live())
    for reader in ("owner", "member"):
        closed = [c for c in received[reader] if c["cause"] == "EXERCISE_CLOSED"]
        assert {(c["method"], c["exerciseId"]) for c in closed} == {("EXERCISE", ex["id"])}
        assert len(closed) >= 3  # the three candidates enter the exercise's ranking
    for name in ("sam, every ranking", "sam, the objective"):
        assert received[name], name  # sam's subscription works: it sees the RICE changes
        assert {c["method"] for c in received[name]} <= {"RICE", "WSJF"}, name
        assert all(c["exerciseId"] is None for c in received[name]), name

    # Replayed after the fact: the same.
    replayed = asyncio.run(changes_until(sam.token, sam.url, everything, marker["id"]))
    assert all(c["method"] != "EXERCISE" for c in replayed)

    # Asking for exercise rankings by name is refused outright.
    async def exercise_only() -> None:
        server = type("Server", (), {"url": sam.url})
        async with Client(transport=transport(server, sam.token)) as session:
            request = GraphQLRequest(CHANGES, variable_values={"method": "EXERCISE"})
            async for _ in session.subscribe(request):
                raise AssertionError("a stakeholder received an exercise ranking change")

    with pytest.raises(TransportQueryError) as refused:
        asyncio.run(exercise_only())
    assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("accept", ['multipart/mixed;subscriptionSpec="1.0"', "text/event-stream"])
def test_http_streams_carry_no_exercise_changes_to_stakeholders(gql, client_factory, accept):
    o, _, sam = closed_moscow(gql, client_factory)
    marker = item(gql, "marker", rice=(1, 1, 1, 1))
    tag(gql, marker["id"], o["id"])

    def stream(client: Any) -> bytes:
        headers = {"Authorization": f"Bearer {client.token}", "Accept": accept}
        body = {"query": CHANGES, "variables": {"o": o["id"], "after": FROM_THE_START}}
        received = b""
        with (
            httpx.Client(timeout=30) as http,
            http.stream("POST", f"{client.url}/graphql", json=body, headers=headers) as response,
        ):
            assert response.status_code == 200
            for chunk in response.iter_bytes():
                received += chunk
                if marker["id"].encode() in received:
                    return received
        raise AssertionError("the stream ended before the marker")

    assert b"EXERCISE_CLOSED" in stream(gql)
    assert b"EXERCISE" not in stream(sam)
