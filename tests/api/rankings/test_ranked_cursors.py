"""Ranking cursors carry their entry's rank, so a page deep in a ranking does not count the
entries before it while the catalog stands still (api/rankings/cursors.py); ranks stay those a
count gives: across pages, with a cursor of another ranking, with an old keyset-only cursor,
after a page that selected no rank, and once the ranking moved (tests/api/test_core_loop.py)."""

from __future__ import annotations

import base64
import json
from typing import Any
from uuid import UUID

import pytest

from okrank.api.graphql.ids import ranking_cursor
from okrank.api.rankings.cursors import After, decode_after, ranked_cursor, ranking_tag
from tests.support.builders import item, objective, ranking, tag

ENTRY = "query($o: ID, $first: Int!, $after: String) {"
RANKS = (
    " ranking(objectiveId: $o, first: $first, after: $after) {"
    " edges { cursor node { rank backlogItem { title } } } pageInfo { endCursor } } }"
)
NO_RANK = (
    " ranking(objectiveId: $o, first: $first, after: $after) {"
    " edges { node { backlogItem { title } } } pageInfo { endCursor } } }"
)


def page(gql: Any, o: str | None, first: int, after: str | None, selection: str = RANKS) -> Any:
    return gql.execute(ENTRY + selection, {"o": o, "first": first, "after": after})["ranking"]


@pytest.fixture
def ranked(gql: Any) -> dict[str, Any]:
    """An objective with 7 tagged items (i6 best) and 3 untagged items above them all."""
    o = objective(gql)
    items = [item(gql, f"i{n}", rice=(n + 1, 1, 1, 1)) for n in range(7)]
    for i in items:
        tag(gql, i["id"], o["id"])
    for n in range(3):
        item(gql, f"u{n}", rice=(1000 + n, 3, 1, 1))
    return {"objective": o["id"]}


def test_ranks_read_from_page_cursors_are_the_counted_ranks(gql, ranked):
    o = ranked["objective"]
    ranks, after = [], None
    while True:
        p = page(gql, o, 2, after)
        if not p["edges"]:
            break
        ranks += [e["node"]["rank"] for e in p["edges"]]
        after = p["pageInfo"]["endCursor"]
        # every edge's cursor holds its rank: the page after it continues from it
        first = p["edges"][0]
        following = page(gql, o, 1, first["cursor"])["edges"]
        n = first["node"]["rank"]
        assert [e["node"]["rank"] for e in following] == ([n + 1] if n < 7 else [])
    assert ranks == [e["node"]["rank"] for e in ranking(gql, o)["edges"]] == list(range(1, 8))


def test_a_cursor_of_another_ranking_is_counted_in_this_one(gql, ranked):
    product = page(gql, None, 5, None)
    titles = [e["node"]["backlogItem"]["title"] for e in product["edges"]]
    assert titles == ["u2", "u1", "u0", "i6", "i5"]
    at_i6 = product["edges"][3]["cursor"]  # rank 4 in the product ranking, 1 in the objective's
    edges = page(gql, ranked["objective"], 2, at_i6)["edges"]
    assert [(e["node"]["rank"], e["node"]["backlogItem"]["title"]) for e in edges] == [
        (2, "i5"),
        (3, "i4"),
    ]


def test_an_old_keyset_cursor_and_a_rankless_page_are_counted(gql, ranked):
    o = ranked["objective"]
    top = page(gql, o, 3, None)
    ranked_cursor_ = top["edges"][2]["cursor"]
    old = ranking_cursor(*decode_after(ranked_cursor_).key)  # a cursor of before this change
    assert decode_after(old).rank is None
    assert [e["node"]["rank"] for e in page(gql, o, 2, old)["edges"]] == [4, 5]
    # a first page knows its ranks; one after a cursor that selects no rank counts nothing
    assert decode_after(page(gql, o, 3, None, NO_RANK)["pageInfo"]["endCursor"]).rank == 3
    rankless = page(gql, o, 2, old, NO_RANK)
    cursor = rankless["pageInfo"]["endCursor"]
    assert decode_after(cursor).rank is None  # so it has no rank to carry
    assert [e["node"]["rank"] for e in page(gql, o, 2, cursor)["edges"]] == [6, 7]


KEY = (0, -12.5, -12.5, 3, UUID(int=7))


def test_a_ranked_cursor_round_trips_and_a_keyset_one_has_no_rank():
    tag_ = ranking_tag("w", None, "RICE", False)
    assert decode_after(ranked_cursor(KEY, 40, 123, tag_)) == After(KEY, 40, 123, tag_)
    assert decode_after(ranked_cursor(KEY, None, None, tag_)) == After(KEY)
    assert decode_after(ranking_cursor(*KEY)) == After(KEY)
    assert After(KEY, 40, 123, tag_).known_rank(tag_) == (40, 123)
    assert After(KEY, 40, 123, tag_).known_rank(ranking_tag("w", None, "WSJF", False)) is None


@pytest.mark.parametrize(
    "values",
    [
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), -1, 5, "t"],  # negative rank
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1, -5, "t"],  # negative position
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1.5, 5, "t"],
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1, 5, 7],
        [2, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1, 5, "t"],  # neither scored nor unscored
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1, 2**64, "t"],  # beyond bigint
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1, 5, "t\u0000"],
        [0, "0x1p+0", "0x1p+0", 3, str(KEY[4]), 1],
    ],
)
def test_a_malformed_ranked_cursor_is_bad_input(values):
    raw = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
    with pytest.raises(Exception) as caught:
        decode_after(raw)
    assert caught.value.extensions == {"code": "BAD_USER_INPUT"}
