"""A backlog item belongs to a team's backlog: set at creation, moved by an update, filtered on."""

from __future__ import annotations

from tests.support.builders import item

TEAM_ITEM = "... on BacklogItemSuccess { backlogItem { id team version } }"
BY_TEAM = (
    "query($team: String) { backlogItems(filter: {team: $team}) { edges { node { title } } } }"
)


def titles(gql, team):
    edges = gql.execute(BY_TEAM, {"team": team})["backlogItems"]["edges"]
    return [e["node"]["title"] for e in edges]


def test_items_are_listed_by_the_team_whose_backlog_they_are_in(gql):
    growth = item(gql, "Invite flow", team="Growth")
    item(gql, "Billing export", team="Platform")
    item(gql, "Loose idea")
    assert titles(gql, "Growth") == ["Invite flow"]
    assert titles(gql, "") == ["Loose idea"]
    assert titles(gql, None) == ["Invite flow", "Billing export", "Loose idea"]
    moved = gql.mutate(
        "updateBacklogItem", {"backlogItemId": growth["id"], "team": "Platform"}, TEAM_ITEM
    )["backlogItem"]
    assert moved["team"] == "Platform"  # read back at once: read-your-writes
    assert titles(gql, "Platform") == ["Invite flow", "Billing export"]
    assert titles(gql, "Growth") == []


def test_a_team_name_that_cannot_be_stored_is_refused_and_changes_nothing(gql):
    kept = item(gql, "Invite flow", team="Growth")
    for bad in ("x" * 101, "nul\x00team"):
        refused = gql.mutate(
            "updateBacklogItem", {"backlogItemId": kept["id"], "team": bad}, TEAM_ITEM
        )
        assert refused["__typename"] == "ValidationError" and refused["path"][-1] == "team"
    again = gql.mutate("updateBacklogItem", {"backlogItemId": kept["id"], "team": "Growth"}, "")
    assert again["__typename"] == "ValidationError"  # nothing to change
    assert titles(gql, "Growth") == ["Invite flow"]
