"""The roadmap by pages, through GraphQL on a real server: each theme's work a page at a time
(5 unless `first` says otherwise), oldest first, with cursors that walk to the end and agree
with the full lists; each theme its own page in one read; the team filter as on the lists."""

from __future__ import annotations

from tests.support.builders import item

THEME = "... on ThemeSuccess { theme { id name } }"
OBJECTIVE = "... on ObjectiveSuccess { objective { id } }"
PAGE = "edges { cursor node { title } } pageInfo { hasNextPage endCursor }"
PAGES = f"""
query($team: String, $first: Int!, $after: String) {{
  roadmap(team: $team) {{ columns {{ horizon themes {{ theme {{ name }}
    backlogItems {{ title }}
    backlogItemsPage(first: $first, after: $after) {{ {PAGE} }}
    objectivesPage(first: $first, after: $after) {{ {PAGE} }}
    discoveryObjectivesPage(first: $first, after: $after) {{ {PAGE} }} }} }} }}
}}"""
DEFAULT_PAGE = """
query { roadmap(team: "Growth") { columns { themes { theme { name }
  backlogItemsPage { edges { node { title } } pageInfo { hasNextPage } } } } } }"""


def theme(gql, name, horizon, team=None):
    fields = {"name": name, "horizon": horizon, **({"team": team} if team else {})}
    return gql.mutate("createTheme", fields, THEME)["theme"]


def epics(gql, t, titles, team="Growth"):
    for title in titles:
        i = item(gql, title, team=team)
        gql.mutate("setBacklogItemTheme", {"backlogItemId": i["id"], "themeId": t["id"]}, "")


def themes_of(gql, team, first, after=None):
    roadmap = gql.execute(PAGES, {"team": team, "first": first, "after": after})["roadmap"]
    return {t["theme"]["name"]: t for c in roadmap["columns"] for t in c["themes"]}


def titles(page):
    return [e["node"]["title"] for e in page["edges"]]


def test_a_themes_items_come_a_page_at_a_time_and_walk_to_the_full_list(gql):
    growth = theme(gql, "User Growth", "NOW")
    revenue = theme(gql, "Revenue", "NEXT", team="Growth")
    epics(gql, growth, [f"growth {k}" for k in range(5)])
    epics(gql, revenue, ["pricing"])
    epics(gql, growth, ["platform's"], team="Platform")  # not on Growth's roadmap
    first = themes_of(gql, "Growth", 2)
    page = first["User Growth"]["backlogItemsPage"]
    assert titles(page) == ["growth 0", "growth 1"] and page["pageInfo"]["hasNextPage"]
    # Each theme its own page, in the same read.
    assert titles(first["Revenue"]["backlogItemsPage"]) == ["pricing"]
    assert not first["Revenue"]["backlogItemsPage"]["pageInfo"]["hasNextPage"]
    walked, after = [], None
    while True:
        page = themes_of(gql, "Growth", 2, after)["User Growth"]["backlogItemsPage"]
        walked += titles(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    full = [i["title"] for i in first["User Growth"]["backlogItems"]]
    assert walked == full == [f"growth {k}" for k in range(5)]
    whole = themes_of(gql, None, 10)["User Growth"]["backlogItemsPage"]  # every team's
    assert titles(whole) == [*full, "platform's"]


def test_a_page_is_five_unless_first_says_otherwise_and_first_is_bounded(gql):
    growth = theme(gql, "User Growth", "NOW")
    epics(gql, growth, [f"epic {k}" for k in range(7)])
    (t,) = [t for c in gql.execute(DEFAULT_PAGE)["roadmap"]["columns"] for t in c["themes"]]
    assert titles(t["backlogItemsPage"]) == [f"epic {k}" for k in range(5)]
    assert t["backlogItemsPage"]["pageInfo"]["hasNextPage"]
    errors = gql.post(PAGES, {"team": "Growth", "first": 0}).json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_objectives_and_discovery_objectives_come_by_page_too(gql):
    growth = theme(gql, "User Growth", "NOW")
    later = theme(gql, "Enterprise", "LATER")
    for k in range(3):
        fields = {"cycle": "2026-Q3", "title": f"objective {k}", "team": "Growth"}
        o = gql.mutate("createObjective", fields, OBJECTIVE)["objective"]
        gql.mutate("setObjectiveTheme", {"objectiveId": o["id"], "themeId": growth["id"]}, "")
        prepares = {"objectiveId": o["id"], "preparesThemeId": later["id"]}
        gql.mutate("markDiscoveryObjective", prepares, "")
    pages = themes_of(gql, "Growth", 2)
    assert titles(pages["User Growth"]["objectivesPage"]) == ["objective 0", "objective 1"]
    assert pages["User Growth"]["objectivesPage"]["pageInfo"]["hasNextPage"]
    discovery = pages["Enterprise"]["discoveryObjectivesPage"]
    assert titles(discovery) == ["objective 0", "objective 1"]
    after = discovery["pageInfo"]["endCursor"]
    rest = themes_of(gql, "Growth", 2, after)["Enterprise"]["discoveryObjectivesPage"]
    assert titles(rest) == ["objective 2"] and not rest["pageInfo"]["hasNextPage"]
