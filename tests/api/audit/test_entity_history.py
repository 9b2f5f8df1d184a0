"""Entity history through the real endpoint: an item's, an objective's, the multipliers' and an
exercise's `history` equal, change by change, the events stored in PostgreSQL, oldest or newest
first and page by page; an auditor sees an exercise's events without the individual ballots;
tagHistory filters by key result and tier."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from okrank.api.auth import Role
from okrank.api.graphql.ids import parse_global_id
from okrank.domain.workspaces.workspace import workspace_id
from tests.support.builders import ITEM, item, objective, tag
from tests.support.exercises import closed_moscow
from tests.support.stored_rows import stored_rows

CHANGES = """edges { cursor node { event version position actor at reason withheld
  fields { name value } } } pageInfo { hasNextPage endCursor }"""
ITEM_HISTORY = f"""query($id: ID!, $first: Int!, $after: String, $newest: Boolean!) {{
  backlogItem(id: $id) {{ history(first: $first, after: $after, newestFirst: $newest)
  {{ {CHANGES} }} }} }}"""


def stored(database_url: str, originator_id: Any) -> list[tuple[str, int, int]]:
    """(event name, version, position) of the aggregate's events, straight from the store."""
    rows = stored_rows(
        database_url,
        "SELECT topic, originator_version, notification_id FROM okrank_events"
        " WHERE originator_id = %s ORDER BY originator_version",
        (originator_id,),
    )
    return [(topic.rsplit(".", 1)[-1], version, position) for topic, version, position in rows]


def uuid(global_id: str) -> UUID:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return UUID(str(parsed[1]))


def nodes(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in page["edges"]]


def fields(change: dict[str, Any]) -> dict[str, Any]:
    return {f["name"]: json.loads(f["value"]) for f in change["fields"]}


def item_history(client: Any, item_id: str, newest: bool = False, first: int = 100) -> list:
    changes, after = [], None
    while True:
        page = client.execute(
            ITEM_HISTORY, {"id": item_id, "first": first, "after": after, "newest": newest}
        )["backlogItem"]["history"]
        changes += nodes(page)
        if not page["pageInfo"]["hasNextPage"]:
            return changes
        after = page["pageInfo"]["endCursor"]


def test_an_items_history_is_its_stored_events_with_actor_reason_and_fields(
    gql, client_factory, database_url
):
    o = objective(gql, key_results=1)
    kr = o["keyResults"][0]["id"]
    priya = client_factory(gql.workspace, "priya", (Role.PRODUCT_OWNER,))
    i = item(gql, "SSO", rice=(10, 1, 1, 2))
    tag(priya, i["id"], o["id"], key_result_id=kr, reason="unblocks enterprise deals")
    retag = {"backlogItemId": i["id"], "objectiveId": o["id"], "tier": "INDIRECT"}
    priya.mutate("retagBacklogItem", {**retag, "reason": "less direct than hoped"}, ITEM)
    gql.mutate(
        "untagBacklogItem",
        {"backlogItemId": i["id"], "objectiveId": o["id"], "reason": "moved to next quarter"},
        ITEM,
    )
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    changes = item_history(auditor, i["id"])
    expected = stored(database_url, uuid(i["id"]))
    assert [(c["event"], c["version"], c["position"]) for c in changes] == expected
    assert [c["event"] for c in changes] == [
        "Created",
        "RiceScored",
        "Tagged",
        "Retagged",
        "Untagged",
    ]
    assert [c["actor"] for c in changes] == ["po", "po", "priya", "priya", "po"]
    assert changes[2]["reason"] == "unblocks enterprise deals"
    retagged = fields(changes[3])
    assert (retagged["previous_tier"], retagged["tier"]) == ("DIRECT", "INDIRECT")
    assert retagged["reason"] == "less direct than hoped"
    assert fields(changes[0])["title"] == "SSO"
    # Newest first is the same list reversed; pages of two walk it all.
    assert item_history(auditor, i["id"], newest=True) == changes[::-1]
    assert item_history(auditor, i["id"], first=2) == changes
    assert item_history(auditor, i["id"], newest=True, first=2) == changes[::-1]


def test_objective_and_multiplier_histories_are_their_stored_events(gql, database_url):
    o = objective(gql, key_results=2)
    gql.mutate(
        "recalibrateAlignmentMultipliers",
        {"direct": 3, "indirect": 1, "untagged": 0.25, "reason": "sharper focus"},
        "",
    )
    query = f"""query($id: ID!) {{ objective(id: $id) {{ history {{ {CHANGES} }} }}
      alignmentMultipliers {{ history(newestFirst: true) {{ {CHANGES} }} }} }}"""
    data = gql.execute(query, {"id": o["id"]})
    objective_changes = nodes(data["objective"]["history"])
    assert [(c["event"], c["version"], c["position"]) for c in objective_changes] == stored(
        database_url, uuid(o["id"])
    )
    assert [c["event"] for c in objective_changes] == [
        "Created",
        "KeyResultAdded",
        "KeyResultAdded",
        "Activated",
    ]
    multipliers = nodes(data["alignmentMultipliers"]["history"])
    assert [(c["event"], c["version"], c["position"]) for c in multipliers] == stored(
        database_url, workspace_id(gql.workspace)
    )[::-1]
    assert multipliers[0]["event"] == "MultipliersRecalibrated"
    assert multipliers[0]["reason"] == "sharper focus"
    assert fields(multipliers[0])["direct"] == 3


def test_an_auditor_sees_an_exercises_events_without_the_ballots_and_a_member_not_at_all(
    gql, client_factory, database_url
):
    _, ex, _ = closed_moscow(gql, client_factory)
    query = f"query($id: ID!) {{ exercise(id: $id) {{ eventHistory {{ {CHANGES} }} }} }}"
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    seen = nodes(auditor.execute(query, {"id": ex["id"]})["exercise"]["eventHistory"])
    owner = nodes(gql.execute(query, {"id": ex["id"]})["exercise"]["eventHistory"])
    assert [(c["event"], c["version"], c["position"]) for c in owner] == stored(
        database_url, uuid(ex["id"])
    )
    ballot = next(c for c in seen if c["event"] == "BallotSubmitted")
    assert ballot["withheld"] == ["ballot"] and "ballot" not in fields(ballot)
    assert fields(ballot)["participant"] == "sam"
    owners_ballot = next(c for c in owner if c["event"] == "BallotSubmitted")
    assert owners_ballot["withheld"] == [] and "ballot" in fields(owners_ballot)
    member = client_factory(gql.workspace, "mia", (Role.MEMBER,))
    body = member.post(query, {"id": ex["id"]}).json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body


def test_tag_history_filters_by_key_result_and_tier(gql):
    o = objective(gql, key_results=2)
    kr1, kr2 = (k["id"] for k in o["keyResults"])
    a, b, c = (item(gql, t)["id"] for t in ("a", "b", "c"))
    tag(gql, a, o["id"], key_result_id=kr1)
    tag(gql, b, o["id"], key_result_id=kr2, tier="INDIRECT")
    tag(gql, c, o["id"])
    gql.mutate(
        "retagBacklogItem",
        {
            "backlogItemId": a,
            "objectiveId": o["id"],
            "tier": "DIRECT",
            "keyResultId": kr2,
            "reason": "the other metric",
        },
        ITEM,
    )
    query = """query($kr: ID, $tier: AlignmentTier) { tagHistory(keyResultId: $kr, tier: $tier)
      { edges { node { action backlogItem { id } } } } }"""

    def seen(**args: Any) -> list[tuple[str, str]]:
        edges = gql.execute(query, args)["tagHistory"]["edges"]
        return [(e["node"]["action"], e["node"]["backlogItem"]["id"]) for e in edges]

    assert seen(kr=kr1) == [("RETAGGED", a), ("TAGGED", a)]  # set it, then took it away
    assert seen(kr=kr2) == [("RETAGGED", a), ("TAGGED", b)]
    assert seen(tier="INDIRECT") == [("TAGGED", b)]
    assert seen(tier="DIRECT", kr=kr2) == [("RETAGGED", a)]
    assert len(seen(tier="DIRECT")) == 3
