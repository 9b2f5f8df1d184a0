"""A ranking page fetches and builds only what the query selects (the item columns of the
selected BacklogItem fields, the cursors when read), and answers exactly as before: each
field alone, a narrow and a wide selection, and selections through fragments give the values
the item's own read (`node(id:)`, built whole from all its columns) gives."""

from __future__ import annotations

from typing import Any

import pytest

from okrank.api.backlog.reads import FIELD_COLUMNS, ITEM_COLUMNS, item_columns
from okrank.api.graphql.schema import schema
from tests.support.builders import item, objective, tag

# Every BacklogItem field, with a selection of its sub-fields where it has some.
ITEM_FIELDS = {
    "id": "id",
    "title": "title",
    "description": "description",
    "kind": "kind",
    "status": "status",
    "rice": "rice { reach impact confidence effort }",
    "riceScore": "riceScore",
    "wsjf": "wsjf { businessValue timeCriticality riskReduction jobSize }",
    "wsjfScore": "wsjfScore",
    "nonStrategicJustification": "nonStrategicJustification",
    "version": "version",
    "createdAt": "createdAt",
    "createdBy": "createdBy",
    "updatedAt": "updatedAt",
    "externalKey": "externalKey",
    "labels": "labels",
    "team": "team",
    "history": "history(first: 5) { edges { node { event version } } }",
    "estimatedEffort": "estimatedEffort { measure value }",
    "tags": "tags { tier reason objective { id } keyResult { id } }",
    "eligible": "eligible",
}
WIDE_ITEM = " ".join(ITEM_FIELDS.values())
ENTRY = "rank baseScore multiplier tier priority eligible scored"


def ranking_of(
    gql: Any, selection: str, objective_id: str | None = None, first: int = 50, after: Any = None
) -> Any:
    query = (
        "query($o: ID, $first: Int!, $after: String) {"
        f" ranking(objectiveId: $o, first: $first, after: $after) {{ {selection} }} }}"
    )
    return gql.execute(query, {"o": objective_id, "first": first, "after": after})["ranking"]


@pytest.fixture
def ranked(gql: Any) -> dict[str, Any]:
    """Items of every shape: RICE and WSJF in a team, tagged with a key result; WSJF only and
    justified; unscored and INDIRECT; RICE only and untagged."""
    goal = objective(gql, "Grow activation")
    both = item(gql, "both", rice=(100, 2, 0.8, 3), wsjf=(8, 5, 3, 2), team="core")
    wsjf = item(gql, "wsjf only", wsjf=(13, 1, 2, 5))
    unscored = item(gql, "unscored")
    item(gql, "rice only", rice=(40, 1, 1, 2))
    tag(gql, both["id"], goal["id"], key_result_id=goal["keyResults"][0]["id"])
    tag(gql, unscored["id"], goal["id"], tier="INDIRECT")
    gql.mutate(
        "justifyNonStrategic",
        {"backlogItemId": wsjf["id"], "justification": "the certificate expires"},
        "__typename",
    )
    return {"objective": goal["id"]}


def wide_entries(gql: Any, objective_id: str | None = None) -> list[dict[str, Any]]:
    page = ranking_of(
        gql, f"edges {{ cursor node {{ {ENTRY} backlogItem {{ {WIDE_ITEM} }} }} }}", objective_id
    )
    return page["edges"]


def test_every_backlog_item_field_has_its_columns_named():
    fields = set(schema._schema.type_map["BacklogItem"].fields)  # type: ignore[attr-defined]
    assert fields == set(ITEM_FIELDS)
    assert fields <= set(FIELD_COLUMNS)  # a field missing there reads every column


def test_a_wide_ranking_selection_gives_each_item_as_its_own_read_does(gql, ranked):
    for scope in (None, ranked["objective"]):
        edges = wide_entries(gql, scope)
        assert edges
        for edge in edges:
            item_id = edge["node"]["backlogItem"]["id"]
            read = gql.execute(
                f"query($id: ID!) {{ node(id: $id) {{ ... on BacklogItem {{ {WIDE_ITEM} }} }} }}",
                {"id": item_id},
            )["node"]
            assert edge["node"]["backlogItem"] == read


def test_each_backlog_item_field_selected_alone_in_a_ranking_gives_the_wide_value(gql, ranked):
    for scope in (None, ranked["objective"]):
        wide = wide_entries(gql, scope)
        for name, selection in ITEM_FIELDS.items():
            page = ranking_of(gql, f"edges {{ node {{ backlogItem {{ {selection} }} }} }}", scope)
            assert [e["node"]["backlogItem"] for e in page["edges"]] == [
                {name: e["node"]["backlogItem"][name]} for e in wide
            ], name


def test_a_narrow_ranking_selection_gives_the_wide_entries_and_cursors(gql, ranked):
    wide = wide_entries(gql)
    narrow = ranking_of(
        gql,
        f"pageInfo {{ startCursor endCursor }} edges {{ node {{ {ENTRY} backlogItem {{ id title }}"
        " } }",
    )
    assert [e["node"] for e in narrow["edges"]] == [
        {
            **{k: e["node"][k] for k in ENTRY.split()},
            "backlogItem": {k: e["node"]["backlogItem"][k] for k in ("id", "title")},
        }
        for e in wide
    ]
    assert narrow["pageInfo"] == {
        "startCursor": wide[0]["cursor"],
        "endCursor": wide[-1]["cursor"],
    }
    # Each edge's cursor (encoded when read) continues right after its entry.
    for n, edge in enumerate(wide[:-1]):
        after = ranking_of(gql, "edges { node { rank } }", first=1, after=edge["cursor"])
        assert after["edges"] == [{"node": {"rank": n + 2}}]


def test_fragments_and_aliases_in_a_ranking_selection_fetch_what_they_select(gql, ranked):
    wide = wide_entries(gql)
    query = """
      query { ranking(first: 50) { edges { entry: node { ...Entry } } } }
      fragment Entry on RankingEntry {
        rank item: backlogItem { ... on BacklogItem { name: title } ...Scores }
      }
      fragment Scores on BacklogItem { rice { reach } wsjfScore estimatedEffort { value } }
    """
    edges = gql.execute(query)["ranking"]["edges"]
    assert [e["entry"] for e in edges] == [
        {
            "rank": e["node"]["rank"],
            "item": {
                "name": e["node"]["backlogItem"]["title"],
                "rice": e["node"]["backlogItem"]["rice"]
                and {"reach": e["node"]["backlogItem"]["rice"]["reach"]},
                "wsjfScore": e["node"]["backlogItem"]["wsjfScore"],
                "estimatedEffort": {"value": e["node"]["backlogItem"]["estimatedEffort"]["value"]},
            },
        }
        for e in wide
    ]


def test_the_item_columns_are_those_of_the_selected_fields_with_the_key_and_place():
    assert item_columns({"id", "title"}) == "i.id, i.seq, i.title"
    assert item_columns({"__typename"}) == "i.id, i.seq"
    assert item_columns({"estimatedEffort", "eligible"}) == (
        "i.id, i.seq, i.effort, i.job_size, i.justification"
    )
    assert item_columns(set(FIELD_COLUMNS)) == ITEM_COLUMNS  # every field: every column
    assert item_columns({"title", "aFieldNotNamed"}) == ITEM_COLUMNS
    assert item_columns(None) == ITEM_COLUMNS
