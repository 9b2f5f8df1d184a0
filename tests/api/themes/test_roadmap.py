"""Themes and the roadmap through GraphQL on a real server: three columns with their themes,
objectives, items and discovery objectives for one team; moves with their reasons; bad input
typed with nothing changed; another workspace's theme not found; auditors change nothing."""

from __future__ import annotations

from okrank.api.auth import Role
from tests.support.builders import item

THEME = "... on ThemeSuccess { theme { id name horizon team version } }"
OBJECTIVE = "... on ObjectiveSuccess { objective { id version } }"
PLACED = (
    "... on ObjectiveThemeSuccess { objective { id version }"
    " membership { theme { name } preparesTheme { name } } }"
)
ITEM_PLACED = (
    "... on BacklogItemThemeSuccess { backlogItem { id version } membership { theme { name } } }"
)
ROADMAP = """
query($team: String) {
  roadmap(team: $team) {
    team
    columns { horizon themes { theme { name team }
      objectives { title } backlogItems { title } discoveryObjectives { title } } }
  }
}
"""


def theme(gql, name, horizon, team=None):
    fields = {"name": name, "horizon": horizon, **({"team": team} if team else {})}
    return gql.mutate("createTheme", fields, THEME)["theme"]


def team_objective(gql, title, team):
    fields = {"cycle": "2026-Q3", "title": title, "team": team}
    return gql.mutate("createObjective", fields, OBJECTIVE)["objective"]


def columns(gql, team):
    roadmap = gql.execute(ROADMAP, {"team": team})["roadmap"]
    return {
        c["horizon"]: {
            t["theme"]["name"]: (
                [o["title"] for o in t["objectives"]],
                [i["title"] for i in t["backlogItems"]],
                [o["title"] for o in t["discoveryObjectives"]],
            )
            for t in c["themes"]
        }
        for c in roadmap["columns"]
    }


def test_a_teams_roadmap_has_three_columns_with_its_themes_and_work(gql):
    growth = theme(gql, "User Growth", "NOW")  # shared: on every team's roadmap
    revenue = theme(gql, "Revenue", "NEXT", team="Growth")
    enterprise = theme(gql, "Enterprise", "LATER", team="Growth")
    theme(gql, "Platform health", "NOW", team="Platform")  # another team's: not shown
    activation = team_objective(gql, "Activate new teams", "Growth")
    learn = team_objective(gql, "Understand 10 enterprise prospects", "Growth")
    theirs = team_objective(gql, "Platform objective", "Platform")
    placed = gql.mutate(
        "setObjectiveTheme",
        {"objectiveId": activation["id"], "themeId": growth["id"], "expectedVersion": 1},
        PLACED,
    )
    assert placed["membership"]["theme"] == {"name": "User Growth"}
    assert placed["objective"]["version"] == 2  # the catalog follows the objective's version
    gql.mutate("setObjectiveTheme", {"objectiveId": theirs["id"], "themeId": growth["id"]}, "")
    marked = gql.mutate(
        "markDiscoveryObjective",
        {"objectiveId": learn["id"], "preparesThemeId": enterprise["id"]},
        PLACED,
    )
    assert marked["membership"]["preparesTheme"] == {"name": "Enterprise"}
    invites = item(gql, "Invite flow", team="Growth")
    pricing = item(gql, "Usage-based pricing", team="Growth")
    item(gql, "Unplaced", team="Growth")
    for i, t in ((invites, growth), (pricing, revenue)):
        done = gql.mutate(
            "setBacklogItemTheme", {"backlogItemId": i["id"], "themeId": t["id"]}, ITEM_PLACED
        )
        assert done["backlogItem"]["version"] == i["version"] + 1
    assert columns(gql, "Growth") == {
        "NOW": {"User Growth": (["Activate new teams"], ["Invite flow"], [])},
        "NEXT": {"Revenue": ([], ["Usage-based pricing"], [])},
        "LATER": {"Enterprise": ([], [], ["Understand 10 enterprise prospects"])},
    }
    whole = columns(gql, None)  # the whole workspace: every theme and all its work
    assert whole["NOW"]["User Growth"][0] == ["Activate new teams", "Platform objective"]
    assert set(whole["NOW"]) == {"User Growth", "Platform health"}


def test_a_theme_moves_between_horizons_with_its_reason(gql):
    t = theme(gql, "Enterprise", "LATER")
    moved = gql.mutate(
        "moveTheme",
        {
            "themeId": t["id"],
            "horizon": "NEXT",
            "reason": "three prospects asked",
            "expectedVersion": 1,
        },
        THEME,
    )["theme"]
    assert (moved["horizon"], moved["version"]) == ("NEXT", 2)
    renamed = gql.mutate("renameTheme", {"themeId": t["id"], "name": "Enterprise readiness"}, THEME)
    assert renamed["theme"]["name"] == "Enterprise readiness"
    query = (
        "query($id: ID!) { theme(id: $id) {"
        " moves { edges { node { horizon previousHorizon reason movedBy } } } } }"
    )
    moves = gql.execute(query, {"id": t["id"]})["theme"]["moves"]["edges"]
    assert [m["node"] for m in moves] == [
        {
            "horizon": "NEXT",
            "previousHorizon": "LATER",
            "reason": "three prospects asked",
            "movedBy": "po",
        }
    ]
    assert columns(gql, None) == {
        "NOW": {},
        "NEXT": {"Enterprise readiness": ([], [], [])},
        "LATER": {},
    }


def test_bad_input_is_typed_naming_the_field_and_changes_nothing(gql):
    t = theme(gql, "Revenue", "NOW", team="Growth")
    theirs = team_objective(gql, "Platform objective", "Platform")
    for name, fields, path in (
        ("createTheme", {"name": " ", "horizon": "NOW"}, ["input", "name"]),
        (
            "moveTheme",
            {"themeId": t["id"], "horizon": "NOW", "reason": "again"},
            ["input", "horizon"],
        ),
        ("moveTheme", {"themeId": t["id"], "horizon": "NEXT", "reason": ""}, ["input", "reason"]),
        (
            "setObjectiveTheme",
            {"objectiveId": theirs["id"], "themeId": t["id"]},
            ["input", "themeId"],
        ),
        (
            "setObjectiveTheme",
            {"objectiveId": theirs["id"], "themeId": theirs["id"]},
            ["input", "themeId"],
        ),
    ):
        refused = gql.mutate(name, fields, "")
        assert refused["__typename"] == "ValidationError" and refused["path"] == path, (
            name,
            refused,
        )
    assert columns(gql, None) == {"NOW": {"Revenue": ([], [], [])}, "NEXT": {}, "LATER": {}}
    stale = gql.mutate(
        "moveTheme",
        {"themeId": t["id"], "horizon": "NEXT", "reason": "r", "expectedVersion": 5},
        "",
    )
    assert stale["__typename"] == "ConflictError" and stale["currentVersion"] == 1


def test_another_workspaces_theme_is_not_found(gql, client_factory):
    t = theme(gql, "Revenue", "NOW")
    stranger = client_factory()
    own = team_objective(stranger, "Theirs", "")
    refused = stranger.mutate(
        "setObjectiveTheme", {"objectiveId": own["id"], "themeId": t["id"]}, ""
    )
    assert refused["__typename"] == "NotFoundError" and refused["id"] == t["id"]
    moved = stranger.mutate(
        "moveTheme", {"themeId": t["id"], "horizon": "LATER", "reason": "r"}, ""
    )
    assert moved["__typename"] == "NotFoundError"
    assert stranger.execute("query($id: ID!) { theme(id: $id) { id } }", {"id": t["id"]}) == {
        "theme": None
    }
    assert columns(stranger, None) == {"NOW": {}, "NEXT": {}, "LATER": {}}


def test_an_auditor_reads_the_roadmap_and_changes_nothing(gql, client_factory):
    t = theme(gql, "Revenue", "NOW")
    o = team_objective(gql, "Grow revenue", "")
    auditor = client_factory(gql.workspace, "audrey", (Role.AUDITOR,))
    for name, fields in (
        ("createTheme", {"name": "Mine", "horizon": "NOW"}),
        ("moveTheme", {"themeId": t["id"], "horizon": "LATER", "reason": "r"}),
        ("renameTheme", {"themeId": t["id"], "name": "Mine"}),
        ("setObjectiveTheme", {"objectiveId": o["id"], "themeId": t["id"]}),
        ("markDiscoveryObjective", {"objectiveId": o["id"], "preparesThemeId": t["id"]}),
    ):
        assert auditor.mutate(name, fields, "")["__typename"] == "PermissionDeniedError", name
    assert columns(auditor, None) == {"NOW": {"Revenue": ([], [], [])}, "NEXT": {}, "LATER": {}}
