"""Through the real endpoint, an item's `eligible` and its product-ranking entry's `eligible`
follow the one rule: justified, or tagged to an ACTIVE objective."""

from __future__ import annotations

from tests.support.builders import ITEM, item, objective, ranking, tag


def test_item_and_ranking_entry_agree_on_eligibility(gql):
    active = objective(gql, "Active goal")
    draft = objective(gql, "Draft goal", active=False)
    ids = {name: item(gql, name, rice=(10, 1, 1, 1))["id"] for name in ("u", "d", "a", "j")}
    tag(gql, ids["d"], draft["id"])
    tag(gql, ids["a"], active["id"], tier="INDIRECT")
    gql.mutate(
        "justifyNonStrategic",
        {"backlogItemId": ids["j"], "justification": "the certificate expires"},
        ITEM,
    )
    expected = {ids["u"]: False, ids["d"]: False, ids["a"]: True, ids["j"]: True}

    items = gql.execute("{ backlogItems { edges { node { id eligible } } } }")["backlogItems"]
    entries = ranking(gql)["edges"]

    assert {e["node"]["id"]: e["node"]["eligible"] for e in items["edges"]} == expected
    assert {e["node"]["backlogItem"]["id"]: e["node"]["eligible"] for e in entries} == expected
