"""The core loop through the real HTTP endpoint: OKRs, items, tags, scores, rankings."""

from __future__ import annotations

import uuid

from okrank.api.graphql.ids import to_global_id
from tests.support.builders import ITEM, OBJECTIVE, item, objective, ranking, tag


def test_objective_lifecycle_with_key_results(gql):
    o = objective(gql, active=False, key_results=2)
    assert o["status"] == "DRAFT" and [k["metric"] for k in o["keyResults"]] == [
        "metric 0",
        "metric 1",
    ]
    active = gql.mutate("activateObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]
    assert active["status"] == "ACTIVE"
    closed = gql.mutate("closeObjective", {"objectiveId": o["id"]}, OBJECTIVE)["objective"]
    assert closed["status"] == "CLOSED"
    listed = gql.execute('{ objectives(cycle: "2026-Q3") { edges { node { id status } } } }')
    assert listed["objectives"]["edges"] == [{"node": {"id": o["id"], "status": "CLOSED"}}]


def test_objective_aligns_to_parent_and_warns_on_too_many_key_results(gql):
    parent = objective(gql, title="Company goal")
    child = gql.mutate(
        "createObjective",
        {"cycle": "2026-Q3", "title": "Team goal", "parentId": parent["id"], "team": "growth"},
        OBJECTIVE,
    )["objective"]
    for n in range(6):
        gql.mutate(
            "addKeyResult",
            {"objectiveId": child["id"], "metric": f"m{n}", "baseline": 0, "target": 1},
            "__typename",
        )
    data = gql.execute(
        "query($id: ID!) { objective(id: $id) { parent { id } warnings keyResults { id } } }",
        {"id": child["id"]},
    )["objective"]
    assert data["parent"]["id"] == parent["id"]
    assert len(data["keyResults"]) == 6
    assert any("6 key results" in w for w in data["warnings"])


def test_create_update_and_score_item_is_read_back_immediately(gql):
    i = item(gql, "Checklist", rice=(1000, 2, 0.8, 4), wsjf=(8, 5, 3, 2))
    assert i["riceScore"] == 400.0 and i["wsjfScore"] == 8.0
    updated = gql.mutate(
        "updateBacklogItem", {"backlogItemId": i["id"], "title": "Checklist v2"}, ITEM
    )["backlogItem"]
    assert updated["title"] == "Checklist v2" and updated["version"] == i["version"] + 1
    read = gql.execute(
        "query($id: ID!) { backlogItem(id: $id) { title riceScore } }", {"id": i["id"]}
    )
    assert read["backlogItem"] == {"title": "Checklist v2", "riceScore": 400.0}


def test_tag_retag_untag_carry_actor_and_reason(gql):
    o = objective(gql)
    kr = o["keyResults"][0]["id"]
    i = item(gql)
    tagged = tag(gql, i["id"], o["id"], "INDIRECT", "supports signups", kr)["backlogItem"]
    assert tagged["tags"] == [
        {
            "tier": "INDIRECT",
            "reason": "supports signups",
            "taggedBy": "po",
            "objective": {"id": o["id"]},
            "keyResult": {"id": kr},
        }
    ]
    assert tagged["eligible"] is True
    retagged = gql.mutate(
        "retagBacklogItem",
        {"backlogItemId": i["id"], "objectiveId": o["id"], "tier": "DIRECT", "reason": "moves it"},
        ITEM,
    )["backlogItem"]
    assert retagged["tags"][0]["tier"] == "DIRECT" and retagged["tags"][0]["keyResult"] is None
    untagged = gql.mutate(
        "untagBacklogItem",
        {"backlogItemId": i["id"], "objectiveId": o["id"], "reason": "out of scope"},
        ITEM,
    )["backlogItem"]
    assert untagged["tags"] == [] and untagged["eligible"] is False


def test_item_tagged_to_several_objectives(gql):
    a, b = objective(gql, "A"), objective(gql, "B")
    i = item(gql, rice=(10, 1, 1, 1))
    tag(gql, i["id"], a["id"], "DIRECT")
    both = tag(gql, i["id"], b["id"], "INDIRECT")["backlogItem"]
    assert sorted(t["tier"] for t in both["tags"]) == ["DIRECT", "INDIRECT"]
    assert ranking(gql, a["id"])["edges"][0]["node"]["tier"] == "DIRECT"
    assert ranking(gql, b["id"])["edges"][0]["node"]["tier"] == "INDIRECT"
    # Product level: the best tier across active objectives.
    assert ranking(gql)["edges"][0]["node"]["tier"] == "DIRECT"


def test_objective_ranking_weights_by_alignment(gql):
    o = objective(gql)
    empty = ranking(gql, o["id"])
    assert (empty["edges"], empty["totalCount"], empty["pageInfo"]["hasNextPage"]) == ([], 0, False)
    direct = item(gql, "direct", rice=(100, 1, 1, 1))  # 100 × 2.0 = 200
    indirect = item(gql, "indirect", rice=(150, 1, 1, 1))  # 150 × 1.0 = 150
    tag(gql, direct["id"], o["id"], "DIRECT")
    tag(gql, indirect["id"], o["id"], "INDIRECT")
    r = ranking(gql, o["id"])
    nodes = [e["node"] for e in r["edges"]]
    assert [n["backlogItem"]["title"] for n in nodes] == ["direct", "indirect"]
    assert [(n["rank"], n["baseScore"], n["multiplier"], n["priority"]) for n in nodes] == [
        (1, 100.0, 2.0, 200.0),
        (2, 150.0, 1.0, 150.0),
    ]
    assert r["totalCount"] == 2


def test_ranking_of_an_unknown_objective_is_not_found(gql):
    unknown = to_global_id("Objective", uuid.uuid4())
    body = gql.post(
        "query($o: ID) { ranking(objectiveId: $o) { edges { cursor } } }", {"o": unknown}
    ).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_product_ranking_flags_untagged_and_lists_unscored_last(gql):
    o = objective(gql)
    tagged = item(gql, "tagged", rice=(10, 1, 1, 1))
    item(gql, "untagged", rice=(30, 1, 1, 1))  # 30 × 0.5 = 15 < 10 × 2 = 20
    item(gql, "unscored")
    justified = item(gql, "justified", rice=(2, 1, 1, 1))
    tag(gql, tagged["id"], o["id"])
    gql.mutate(
        "justifyNonStrategic",
        {"backlogItemId": justified["id"], "justification": "security patch"},
        "__typename",
    )
    nodes = [e["node"] for e in ranking(gql)["edges"]]
    assert [n["backlogItem"]["title"] for n in nodes] == [
        "tagged",
        "untagged",
        "justified",
        "unscored",
    ]
    assert [n["eligible"] for n in nodes] == [True, False, True, False]
    assert [n["tier"] for n in nodes] == ["DIRECT", "UNTAGGED", "UNTAGGED", "UNTAGGED"]
    assert nodes[-1]["scored"] is False and nodes[-1]["priority"] is None
    eligible = [
        e["node"]["backlogItem"]["title"] for e in ranking(gql, eligible_only=True)["edges"]
    ]
    assert eligible == ["tagged", "justified"]


def test_wsjf_ranking(gql):
    o = objective(gql)
    a = item(gql, "a", wsjf=(1, 1, 1, 20))
    b = item(gql, "b", wsjf=(20, 20, 20, 1))
    for i in (a, b):
        tag(gql, i["id"], o["id"])
    titles = [e["node"]["backlogItem"]["title"] for e in ranking(gql, o["id"], "WSJF")["edges"]]
    assert titles == ["b", "a"]


def test_ties_break_by_base_score_then_age(gql):
    o = objective(gql)
    first = item(gql, "older", rice=(10, 1, 1, 1))
    second = item(gql, "newer", rice=(10, 1, 1, 1))
    strong_base = item(gql, "indirect-high-base", rice=(20, 1, 1, 1))  # 20 × 1.0 = 20
    for i in (first, second):
        tag(gql, i["id"], o["id"], "DIRECT")  # 10 × 2.0 = 20
    tag(gql, strong_base["id"], o["id"], "INDIRECT")
    titles = [e["node"]["backlogItem"]["title"] for e in ranking(gql, o["id"])["edges"]]
    assert titles == ["indirect-high-base", "older", "newer"]


def test_activating_and_closing_objective_changes_product_tier(gql):
    o = objective(gql, active=False)
    i = item(gql, rice=(10, 1, 1, 1))
    tag(gql, i["id"], o["id"])
    assert ranking(gql)["edges"][0]["node"]["tier"] == "UNTAGGED"  # a DRAFT objective
    gql.mutate("activateObjective", {"objectiveId": o["id"]}, "__typename")
    assert ranking(gql)["edges"][0]["node"]["tier"] == "DIRECT"
    gql.mutate("closeObjective", {"objectiveId": o["id"]}, "__typename")
    node = ranking(gql)["edges"][0]["node"]
    assert (node["tier"], node["eligible"]) == ("UNTAGGED", False)


def test_recalibrated_multipliers_reorder_rankings_and_are_audited(gql):
    o = objective(gql)
    direct = item(gql, "direct", rice=(100, 1, 1, 1))
    indirect = item(gql, "indirect", rice=(150, 1, 1, 1))
    tag(gql, direct["id"], o["id"], "DIRECT")
    tag(gql, indirect["id"], o["id"], "INDIRECT")
    result = gql.mutate(
        "recalibrateAlignmentMultipliers",
        {"direct": 1.2, "indirect": 1.0, "untagged": 0.1, "reason": "flatten"},
        "... on AlignmentMultipliersSuccess { alignmentMultipliers { direct version reason"
        " updatedBy } }",
    )
    assert result["alignmentMultipliers"] == {
        "direct": 1.2,
        "version": 2,
        "reason": "flatten",
        "updatedBy": "po",
    }
    titles = [e["node"]["backlogItem"]["title"] for e in ranking(gql, o["id"])["edges"]]
    assert titles == ["indirect", "direct"]  # 150 > 120
    again = gql.mutate(
        "recalibrateAlignmentMultipliers",
        {"direct": 2, "indirect": 1, "untagged": 0.5, "reason": "back", "expectedVersion": 2},
        "... on AlignmentMultipliersSuccess { alignmentMultipliers { version } }",
    )
    assert again["alignmentMultipliers"]["version"] == 3


def test_done_items_leave_rankings_and_planning_needs_eligibility(gql):
    o = objective(gql)
    i = item(gql, rice=(10, 1, 1, 1))
    refused = gql.mutate(
        "changeBacklogItemStatus", {"backlogItemId": i["id"], "status": "PLANNED"}, ""
    )
    assert refused["__typename"] == "ValidationError"
    tag(gql, i["id"], o["id"])
    planned = gql.mutate(
        "changeBacklogItemStatus", {"backlogItemId": i["id"], "status": "PLANNED"}, ITEM
    )
    assert planned["backlogItem"]["status"] == "PLANNED"
    gql.mutate("changeBacklogItemStatus", {"backlogItemId": i["id"], "status": "DONE"}, "")
    assert ranking(gql)["totalCount"] == 0


def test_triage_follows_the_okr_filter(gql):
    o = objective(gql)
    i = item(gql)
    no_tag = gql.mutate("triageBacklogItem", {"backlogItemId": i["id"], "decision": "YES"}, "")
    assert no_tag["__typename"] == "ValidationError"
    maybe = gql.mutate("triageBacklogItem", {"backlogItemId": i["id"], "decision": "MAYBE"}, ITEM)
    assert maybe["backlogItem"]["status"] == "DISCOVERY"
    tag(gql, i["id"], o["id"])
    yes = gql.mutate("triageBacklogItem", {"backlogItemId": i["id"], "decision": "YES"}, ITEM)
    assert yes["backlogItem"]["status"] == "BACKLOG"
    no = gql.mutate("triageBacklogItem", {"backlogItemId": i["id"], "decision": "NO"}, ITEM)
    assert no["backlogItem"]["status"] == "NOT_NOW"


def test_ranking_pages_with_keyset_cursors_that_survive_changes(gql):
    o = objective(gql)
    items = [item(gql, f"i{n}", rice=(n + 1, 1, 1, 1)) for n in range(7)]
    for i in items:
        tag(gql, i["id"], o["id"])
    page1 = ranking(gql, o["id"], first=3)
    assert [e["node"]["rank"] for e in page1["edges"]] == [1, 2, 3]
    assert page1["pageInfo"]["hasNextPage"] is True
    # i0 (lowest) jumps to the top after page 1 was read: page 2 continues after the cursor.
    gql.mutate(
        "scoreBacklogItem",
        {
            "backlogItemId": items[0]["id"],
            "rice": {"reach": 100, "impact": 1, "confidence": 1, "effort": 1},
        },
        "__typename",
    )
    page2 = ranking(gql, o["id"], first=3, after=page1["pageInfo"]["endCursor"])
    assert [e["node"]["backlogItem"]["title"] for e in page2["edges"]] == ["i3", "i2", "i1"]
    assert [e["node"]["rank"] for e in page2["edges"]] == [5, 6, 7]
    assert page2["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": page2["edges"][-1]["cursor"],
    }


def test_backlog_items_filters(gql):
    o = objective(gql)
    a = item(gql, "a")
    item(gql, "b")
    tag(gql, a["id"], o["id"])
    q = "query($f: BacklogItemFilter) { backlogItems(filter: $f) { edges { node { title } } } }"

    def titles(f):
        return [e["node"]["title"] for e in gql.execute(q, {"f": f})["backlogItems"]["edges"]]

    assert titles(None) == ["a", "b"]
    assert titles({"tagged": False}) == ["b"]
    assert titles({"objectiveId": o["id"]}) == ["a"]
    assert titles({"status": "BACKLOG"}) == []
