"""The quarterly review through the real GraphQL endpoint, on a 2026-Q3 written in the past
(tests.support.review_quarter, computed by hand there): the audit flags exactly the item whose
key result did not move, verdicts are recorded (and refused on an item not done in the cycle),
the current quarter's review is a draft that does not complete, completing needs a reason
before the backlog reset, and another workspace's review is not found."""

from __future__ import annotations

import pytest

from okrank.api.auth.principal import Role
from okrank.api.graphql.ids import to_global_id
from okrank.domain.okrs.cycles import current_quarter
from tests.support.builders import item, objective, tag
from tests.support.review_quarter import CYCLE, TEAM, past_quarter
from tests.support.sprints import done

REVIEW = (
    "... on QuarterlyReviewSuccess { notice quarterlyReview { id team cycle lagDays phase draft"
    " windowEnd provisional version closeReason completedAt delivery { itemsDone effortDone }"
    " attainment { objective { id } grade } } }"
)
OUTCOMES = """
query($team: String, $cycle: String!, $filter: ReviewOutcomeFilter, $first: Int, $after: String) {
  quarterlyReview(team: $team, cycle: $cycle) { id phase draft
    outcomes(first: $first, after: $after, filter: $filter) {
      edges { cursor node { item { id } title reassess verdict note
        movements { keyResult { id } objective { id } tier valueAtCompletion valueAtWindowEnd
          progressChange moved } } }
      pageInfo { hasNextPage endCursor } }
    archivedItems { id } seedItems { item { id } } regrooming { handled toGo items { edges {
      node { action } } } } } }
"""


def gid(kind: str, ident) -> str:
    return to_global_id(kind, ident)


def start(gql, cycle: str = CYCLE, team: str | None = TEAM, **more):
    return gql.mutate("startQuarterlyReview", {"team": team, "cycle": cycle, **more}, REVIEW)


def verdict(gql, review: str, item_id: str, value: str, note: str | None = None, **more):
    data = {"reviewId": review, "backlogItemId": item_id, "verdict": value, "note": note, **more}
    return gql.mutate("recordReviewVerdict", data, REVIEW)


def complete(gql, review: str, reason: str | None = None):
    return gql.mutate("completeReview", {"reviewId": review, "reason": reason}, REVIEW)


def outcomes(gql, **variables):
    data = gql.execute(OUTCOMES, {"team": TEAM, "cycle": CYCLE, **variables})
    return data["quarterlyReview"]


@pytest.fixture
def quarter(gql, database_url):
    return past_quarter(database_url, gql.workspace)


def test_the_audit_of_an_ended_quarter_flags_exactly_the_item_whose_key_result_did_not_move(
    gql, quarter
):
    started = start(gql)
    assert started["__typename"] == "QuarterlyReviewSuccess", started
    review = started["quarterlyReview"]
    assert started["notice"] is None  # Q3 has ended: a final audit
    assert (review["team"], review["cycle"], review["phase"], review["draft"]) == (
        TEAM,
        CYCLE,
        "AUDITING",
        False,
    )
    assert (review["windowEnd"], review["provisional"]) == ("2026-10-01T00:00:00+00:00", False)
    assert review["delivery"] == {"itemsDone": 4, "effortDone": 0.0}
    assert review["attainment"] == [
        {"objective": {"id": gid("Objective", quarter.objective)}, "grade": 0.25}
    ]
    page = outcomes(gql)["outcomes"]
    nodes = {e["node"]["item"]["id"]: e["node"] for e in page["edges"]}
    names = {
        gid("BacklogItem", getattr(quarter, n)): n for n in ("signup", "banner", "wizard", "legal")
    }
    assert set(nodes) == set(names)  # the open item is not in it
    assert {names[i] for i, n in nodes.items() if n["reassess"]} == {"banner"}
    (signup,) = nodes[gid("BacklogItem", quarter.signup)]["movements"]
    assert signup["keyResult"]["id"] == gid("KeyResult", quarter.activation)
    assert (signup["tier"], signup["valueAtCompletion"], signup["valueAtWindowEnd"]) == (
        "DIRECT",
        24.0,
        30.0,
    )
    assert signup["progressChange"] == pytest.approx(0.3) and signup["moved"]
    (banner,) = nodes[gid("BacklogItem", quarter.banner)]["movements"]
    assert (banner["tier"], banner["moved"]) == ("INDIRECT", False)
    assert banner["progressChange"] == pytest.approx(-0.2)
    wizard = nodes[gid("BacklogItem", quarter.wizard)]["movements"]
    assert [m["moved"] for m in wizard] == [True, False]  # the objective as a whole: both KRs
    assert nodes[gid("BacklogItem", quarter.legal)]["movements"] == []
    flagged = outcomes(gql, filter={"reassess": True})["outcomes"]["edges"]
    assert [e["node"]["item"]["id"] for e in flagged] == [gid("BacklogItem", quarter.banner)]
    # Paged in order of completion, without gap or repeat.
    first = outcomes(gql, first=3)["outcomes"]
    rest = outcomes(gql, first=3, after=first["pageInfo"]["endCursor"])["outcomes"]
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    paged = [e["node"]["item"]["id"] for e in first["edges"] + rest["edges"]]
    assert paged == [e["node"]["item"]["id"] for e in page["edges"]]
    assert start(gql)["__typename"] == "ConflictError"  # one review per team and cycle


def test_verdicts_are_recorded_replaced_filtered_and_refused_for_an_item_not_done_in_the_cycle(
    gql, quarter
):
    review = start(gql)["quarterlyReview"]["id"]
    signup, banner = gid("BacklogItem", quarter.signup), gid("BacklogItem", quarter.banner)
    assert verdict(gql, review, signup, "UNCLEAR")["__typename"] == "QuarterlyReviewSuccess"
    after = verdict(gql, review, signup, "MOVED_IT", "signups rose the week after")
    assert after["quarterlyReview"]["version"] == 4  # created, audited, two verdicts
    verdict(gql, review, banner, "DID_NOT", "churn flat")
    refused = verdict(gql, review, gid("BacklogItem", quarter.open_item), "MOVED_IT")
    assert refused["__typename"] == "ValidationError"
    assert refused["path"] == ["input", "backlogItemId"] and "not done in" in refused["message"]
    stale = verdict(gql, review, banner, "UNCLEAR", expectedVersion=2)
    assert stale["__typename"] == "ConflictError"
    nodes = {e["node"]["item"]["id"]: e["node"] for e in outcomes(gql)["outcomes"]["edges"]}
    assert (nodes[signup]["verdict"], nodes[signup]["note"]) == (
        "MOVED_IT",
        "signups rose the week after",
    )
    assert (nodes[banner]["verdict"], nodes[banner]["note"]) == ("DID_NOT", "churn flat")
    assert nodes[gid("BacklogItem", quarter.legal)]["verdict"] is None
    moved = outcomes(gql, filter={"verdict": "MOVED_IT"})["outcomes"]["edges"]
    assert [e["node"]["item"]["id"] for e in moved] == [signup]


def test_completing_before_the_reset_needs_a_reason_and_then_nothing_more_changes(gql, quarter):
    review = start(gql)["quarterlyReview"]["id"]
    refused = complete(gql, review)
    assert refused["__typename"] == "ValidationError" and refused["path"] == ["input", "reason"]
    assert "needs a reason" in refused["message"]
    closed = complete(gql, review, "no reset this quarter: the team is re-forming")
    assert closed["__typename"] == "QuarterlyReviewSuccess"
    r = closed["quarterlyReview"]
    assert (r["phase"], r["closeReason"]) == (
        "COMPLETED",
        "no reset this quarter: the team is re-forming",
    )
    assert r["completedAt"] is not None
    late = verdict(gql, review, gid("BacklogItem", quarter.signup), "MOVED_IT")
    assert late["__typename"] == "ConflictError"
    shown = outcomes(gql)
    assert (shown["phase"], shown["regrooming"]) == (
        "COMPLETED",
        {"handled": 0, "toGo": 0, "items": {"edges": []}},
    )
    assert (shown["archivedItems"], shown["seedItems"]) == ([], [])


def test_the_current_quarters_review_is_a_draft_that_says_so_and_does_not_complete(gql):
    cycle = current_quarter()
    o = objective(gql, cycle=cycle)
    shipped = item(gql, "Shipped now", team="Core")
    tag(gql, shipped["id"], o["id"], key_result_id=o["keyResults"][0]["id"])
    done(gql, shipped["id"])
    started = start(gql, cycle=cycle, team="Core", lagDays=14)
    assert started["__typename"] == "QuarterlyReviewSuccess", started
    review = started["quarterlyReview"]
    assert (review["draft"], review["provisional"], review["lagDays"]) == (True, True, 14)
    assert started["notice"].startswith(f"{cycle} has not ended: the review is a draft")
    assert review["delivery"]["itemsDone"] == 1
    # A draft takes verdicts, but does not complete, even with a reason.
    given = verdict(gql, review["id"], shipped["id"], "UNCLEAR")
    assert given["__typename"] == "QuarterlyReviewSuccess"
    refused = complete(gql, review["id"], "closing early")
    assert refused["__typename"] == "ValidationError" and "draft" in refused["message"]
    again = gql.mutate("auditReviewOutcomes", {"reviewId": review["id"]}, REVIEW)
    assert (again["__typename"], again["quarterlyReview"]["draft"]) == (
        "QuarterlyReviewSuccess",
        True,
    )


def test_a_review_of_a_whole_workspace_and_bad_input_are_answered_typed(gql, quarter):
    whole = start(gql, team=None)["quarterlyReview"]
    assert (whole["team"], whole["delivery"]["itemsDone"]) == (None, 4)
    assert (
        gql.execute(OUTCOMES, {"team": None, "cycle": CYCLE})["quarterlyReview"]["id"]
        == whole["id"]
    )
    listed = gql.execute("{ quarterlyReviews(first: 5) { edges { node { id cycle } } } }")
    assert [e["node"] for e in listed["quarterlyReviews"]["edges"]] == [
        {"id": whole["id"], "cycle": CYCLE}
    ]
    assert start(gql, cycle="Q3-2026")["path"] == ["input", "cycle"]
    assert start(gql, lagDays=400)["path"] == ["input", "lagDays"]
    assert gql.execute(OUTCOMES, {"team": "Nobody", "cycle": CYCLE})["quarterlyReview"] is None


def test_another_workspaces_review_is_not_found(gql, client_factory, quarter):
    review = start(gql)["quarterlyReview"]["id"]
    other = client_factory()
    node = other.execute("query($id: ID!) { node(id: $id) { id } }", {"id": review})
    assert node["node"] is None
    for answer in (
        other.mutate("auditReviewOutcomes", {"reviewId": review}, REVIEW),
        verdict(other, review, gid("BacklogItem", quarter.signup), "MOVED_IT"),
        complete(other, review, "not mine"),
    ):
        assert (answer["__typename"], answer["id"]) == ("NotFoundError", review)
    mine = gql.execute(
        "query($id: ID!) { node(id: $id) { id ... on QuarterlyReview { version } } }",
        {"id": review},
    )
    assert mine["node"] == {"id": review, "version": 2}  # nothing changed


def test_only_admins_and_product_owners_run_a_review(gql, client_factory, quarter):
    member = client_factory(gql.workspace, "dev", (Role.MEMBER,))
    refused = start(member)
    assert refused["__typename"] == "PermissionDeniedError"
    owner = client_factory(gql.workspace, "pat", (Role.PRODUCT_OWNER,))
    assert start(owner)["__typename"] == "QuarterlyReviewSuccess"
