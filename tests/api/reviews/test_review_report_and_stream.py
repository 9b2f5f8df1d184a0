"""A quarterly review's report exported over HTTP (JSON and CSV, parsed back: one CSV row per
item and key result with the verdict; 401 without a token, 404 for another workspace's review),
and its events reaching a live `okrChanged` subscriber and an OKRS webhook in order, as REVIEW_*
changes."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import httpx
import pytest

from okrank.api.graphql.ids import to_global_id
from okrank.api.webhooks.delivery import verify
from tests.support.review_quarter import CYCLE, TEAM, past_quarter
from tests.support.subscriptions import okr_changes, until_live
from tests.support.webhooks import WEBHOOK, Receiver

REVIEW = "... on QuarterlyReviewSuccess { quarterlyReview { id version phase } }"
OKR_CHANGED = """
subscription { okrChanged { kind objectiveId reviewId team cycle itemId verdict actor } }
"""


def gid(kind: str, ident) -> str:
    return to_global_id(kind, ident)


@pytest.fixture
def reviewed(gql, database_url):
    """The past quarter's review, started, with a verdict on `signup`."""
    quarter = past_quarter(database_url, gql.workspace)
    started = gql.mutate("startQuarterlyReview", {"team": TEAM, "cycle": CYCLE}, REVIEW)
    review = started["quarterlyReview"]["id"]
    data = {
        "reviewId": review,
        "backlogItemId": gid("BacklogItem", quarter.signup),
        "verdict": "MOVED_IT",
        "note": 'signups rose, "clearly"',
    }
    assert gql.mutate("recordReviewVerdict", data, REVIEW)["__typename"] == "QuarterlyReviewSuccess"
    return quarter, review


def export(client, review: str, fmt: str) -> httpx.Response:
    return client.http.get(f"/reviews/{review}/report.{fmt}")


def test_the_report_exports_as_json_with_attainment_delivery_outcomes_and_verdicts(gql, reviewed):
    quarter, review = reviewed
    response = export(gql, review, "json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    report = response.json()
    assert report["review"] | {"windowEnd": None, "auditedAt": None} == {
        "id": review,
        "team": TEAM,
        "cycle": CYCLE,
        "lagDays": 0,
        "phase": "AUDITING",
        "draft": False,
        "windowEnd": None,
        "auditedAt": None,
        "provisional": False,
        "nextCycle": None,
        "closeReason": None,
        "completedAt": None,
        "version": 3,
    }
    assert report["delivery"] == {"itemsDone": 4, "effortDone": 0.0}
    assert report["attainment"] == [
        {"objectiveId": gid("Objective", quarter.objective), "grade": 0.25}
    ]
    by_item = {o["itemId"]: o for o in report["outcomes"]}
    signup = by_item[gid("BacklogItem", quarter.signup)]
    assert (signup["verdict"], signup["note"], signup["reassess"]) == (
        "MOVED_IT",
        'signups rose, "clearly"',
        False,
    )
    assert [o["itemId"] for o in report["outcomes"] if o["reassess"]] == [
        gid("BacklogItem", quarter.banner)
    ]
    assert report["archivedItemIds"] == [] and report["seedItems"] == []
    assert report["regrooming"] == {"handled": 0, "toGo": 0, "items": []}


def test_the_csv_has_one_row_per_item_and_key_result_with_its_verdict(gql, reviewed):
    quarter, review = reviewed
    response = export(gql, review, "csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    pairs = [(r["item_id"], r["key_result_id"]) for r in rows]
    signup, banner = gid("BacklogItem", quarter.signup), gid("BacklogItem", quarter.banner)
    wizard, legal = gid("BacklogItem", quarter.wizard), gid("BacklogItem", quarter.legal)
    activation, churn = gid("KeyResult", quarter.activation), gid("KeyResult", quarter.churn)
    assert sorted(pairs) == sorted(
        [
            (signup, activation),
            (banner, churn),
            (wizard, activation),
            (wizard, churn),  # tagged to the objective as a whole: a row per key result
            (legal, ""),  # untagged: one row, no key result
        ]
    )
    row = next(r for r in rows if r["item_id"] == signup)
    assert (row["verdict"], row["note"], row["tier"], row["moved"]) == (
        "MOVED_IT",
        'signups rose, "clearly"',
        "DIRECT",
        "true",
    )
    assert (float(row["value_at_completion"]), float(row["value_at_window_end"])) == (24, 30)
    assert float(row["progress_change"]) == pytest.approx(0.3)
    flagged = {r["item_id"] for r in rows if r["reassess"] == "true"}
    assert flagged == {banner}
    assert {r["verdict"] for r in rows if r["item_id"] != signup} == {""}


def test_the_export_refuses_no_token_a_bad_format_and_another_workspaces_review(
    gql, client_factory, reviewed
):
    _, review = reviewed
    anonymous = httpx.get(f"{gql.url}/reviews/{review}/report.json", timeout=10)
    assert anonymous.status_code == 401
    assert export(gql, review, "xml").status_code == 400
    assert export(gql, gid("Objective", reviewed[0].objective), "json").status_code == 400
    other = client_factory()
    for fmt in ("json", "csv"):
        refused = export(other, review, fmt)
        assert refused.status_code == 404
        assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_an_okr_changed_subscriber_sees_the_review_events_in_order(server, gql, database_url):
    quarter = past_quarter(database_url, gql.workspace)
    signup = gid("BacklogItem", quarter.signup)

    def drive() -> str:
        started = gql.mutate("startQuarterlyReview", {"team": TEAM, "cycle": CYCLE}, REVIEW)
        review = started["quarterlyReview"]["id"]
        data = {"reviewId": review, "backlogItemId": signup, "verdict": "DID_NOT"}
        gql.mutate("recordReviewVerdict", data, REVIEW)
        gql.mutate("auditReviewOutcomes", {"reviewId": review}, REVIEW)
        gql.mutate("completeReview", {"reviewId": review, "reason": "closing"}, REVIEW)
        return review

    async def scenario() -> tuple[list[dict], str]:
        started = asyncio.Event()
        task = asyncio.create_task(okr_changes(server, gql.token, OKR_CHANGED, 5, {}, started))
        await until_live(started, task)
        review = await asyncio.to_thread(drive)
        return await task, review

    changes, review = asyncio.run(scenario())
    assert [c["kind"] for c in changes] == [
        "REVIEW_STARTED",
        "REVIEW_AUDITED",
        "REVIEW_VERDICT_RECORDED",
        "REVIEW_AUDITED",
        "REVIEW_COMPLETED",
    ]
    assert {
        (c["reviewId"], c["team"], c["cycle"], c["objectiveId"], c["actor"]) for c in changes
    } == {(review, TEAM, CYCLE, None, "po")}
    assert [(c["itemId"], c["verdict"]) for c in changes][2] == (signup, "DID_NOT")
    assert [c["itemId"] for c in changes if c["kind"] != "REVIEW_VERDICT_RECORDED"] == [None] * 4


def test_an_okrs_webhook_of_the_workspace_receives_the_review_events_signed_in_order(
    gql, database_url
):
    receiver = Receiver()
    try:
        hook = gql.mutate("registerWebhook", {"url": receiver.url, "stream": "OKRS"}, WEBHOOK)
        assert hook["__typename"] == "WebhookSuccess", hook
        quarter = past_quarter(database_url, gql.workspace)  # its check-ins come first
        started = gql.mutate("startQuarterlyReview", {"team": TEAM, "cycle": CYCLE}, REVIEW)
        review = started["quarterlyReview"]["id"]
        gql.mutate("completeReview", {"reviewId": review, "reason": "closing"}, REVIEW)
        # First the quarter's three check-ins and two grade changes (churn's check-in leaves
        # the objective's grade where it was).
        everything = receiver.wait_for(8)
        reviewed = [c for c in everything if c["kind"].startswith("REVIEW_")]
        assert [(c["kind"], c["reviewId"], c["objectiveId"]) for c in reviewed] == [
            ("REVIEW_STARTED", review, None),
            ("REVIEW_AUDITED", review, None),
            ("REVIEW_COMPLETED", review, None),
        ]
        assert everything[-3:] == reviewed  # after the quarter's check-ins
        assert quarter.objective is not None
        for headers, body in receiver.received:
            assert verify(hook["secret"], headers["Okrank-Signature"], body)
            assert json.loads(body)["stream"] == "OKRS"
    finally:
        receiver.close()
