"""taggingSession(cycle, team) through the real endpoint: the team's open items not yet triaged
for the cycle, and its progress moving as triageBacklogItem records triages for that cycle."""

from __future__ import annotations

from typing import Any

from okrank.domain.okrs.cycles import current_quarter
from tests.support.builders import item

SESSION = """query($cycle: String!, $team: String!, $first: Int) {
  taggingSession(cycle: $cycle, team: $team) { team cycle items triaged toGo progress
    toTriage(first: $first) { edges { node { title } } pageInfo { hasNextPage } } } }"""


def session(gql: Any, cycle: str, team: str = "Growth", first: int = 50) -> dict[str, Any]:
    variables = {"cycle": cycle, "team": team, "first": first}
    return gql.execute(SESSION, variables)["taggingSession"]


def progress(s: dict[str, Any]) -> tuple[int, int, int, float, list[str]]:
    titles = [e["node"]["title"] for e in s["toTriage"]["edges"]]
    return s["items"], s["triaged"], s["toGo"], s["progress"], titles


def triage(gql: Any, item_id: str, decision: str, cycle: str | None) -> dict[str, Any]:
    given = {"backlogItemId": item_id, "decision": decision}
    return gql.mutate("triageBacklogItem", {**given, **({"cycle": cycle} if cycle else {})}, "")


def test_the_tagging_session_lists_what_is_left_and_progresses_with_each_triage_of_its_cycle(
    gql,
):
    ids = {t: item(gql, t, team="Growth")["id"] for t in ("Search", "Export", "SSO", "Tour")}
    item(gql, "Platform's item", team="Platform")  # another team's: never counted
    done = item(gql, "Shipped", team="Growth")["id"]
    gql.mutate("changeBacklogItemStatus", {"backlogItemId": done, "status": "DONE"}, "")
    assert progress(session(gql, "2026-Q3")) == (4, 0, 4, 0, ["Search", "Export", "SSO", "Tour"])

    assert triage(gql, ids["Search"], "NO", "2026-Q3")["__typename"] == "BacklogItemSuccess"
    assert progress(session(gql, "2026-Q3")) == (4, 1, 3, 0.25, ["Export", "SSO", "Tour"])
    # A triage for another cycle does not count in this one's session.
    assert triage(gql, ids["Export"], "MAYBE", "2026-Q4")["__typename"] == "BacklogItemSuccess"
    assert progress(session(gql, "2026-Q3"))[:3] == (4, 1, 3)
    assert progress(session(gql, "2026-Q4")) == (4, 1, 3, 0.25, ["Search", "SSO", "Tour"])
    # The same decision in a new cycle leaves the status (DISCOVERY) but is still recorded;
    # the same decision again for the same cycle changes nothing and is refused.
    assert triage(gql, ids["Export"], "MAYBE", "2026-Q3")["__typename"] == "BacklogItemSuccess"
    again = triage(gql, ids["Export"], "MAYBE", "2026-Q3")
    assert again["__typename"] == "ValidationError" and "2026-Q3" in again["message"]
    assert progress(session(gql, "2026-Q3")) == (4, 2, 2, 0.5, ["SSO", "Tour"])
    # A new decision for a cycle already triaged replaces it: still one triaged item.
    assert triage(gql, ids["Export"], "NO", "2026-Q3")["__typename"] == "BacklogItemSuccess"
    assert progress(session(gql, "2026-Q3"))[:3] == (4, 2, 2)

    first_page = session(gql, "2026-Q3", first=1)["toTriage"]
    assert progress({**session(gql, "2026-Q3"), "toTriage": first_page})[4] == ["SSO"]
    assert first_page["pageInfo"]["hasNextPage"] is True
    # An item leaving the backlog leaves the session.
    gql.mutate("changeBacklogItemStatus", {"backlogItemId": ids["Tour"], "status": "ARCHIVED"}, "")
    assert progress(session(gql, "2026-Q3")) == (3, 2, 1, 2 / 3, ["SSO"])

    # Without a cycle, a triage is for the current quarter (UTC).
    before = current_quarter()
    assert triage(gql, ids["SSO"], "NO", None)["__typename"] == "BacklogItemSuccess"
    quarter = current_quarter()
    if quarter == before:  # not across a quarter's first instant
        assert "SSO" not in progress(session(gql, quarter))[4]


def test_an_unknown_team_has_an_empty_session_and_a_malformed_cycle_is_bad_input(gql):
    item(gql, "Search", team="Growth")
    assert progress(session(gql, "2026-Q3", team="Nobody")) == (0, 0, 0, 0, [])
    body = gql.post(SESSION, {"cycle": "2026-Q9", "team": "Growth"}).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"].startswith("cycle:")
    refused = triage(gql, item(gql, "Export", team="Growth")["id"], "NO", "next quarter")
    assert refused["__typename"] == "ValidationError" and refused["path"][-1] == "cycle"
    assert progress(session(gql, "2026-Q3"))[:3] == (2, 0, 2)
