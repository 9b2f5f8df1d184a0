"""Calibration from evidence through GraphQL on a real server: two teams' reviews of 2026-Q3,
written in the past (tests.support.past) and completed through the domain commands, give the
evidence table and the suggested multipliers computed by hand; a recalibration citing them shows
the reviews in the workspace's multipliers and their history; citing a review that is still
open, or another workspace's, is refused by field and changes nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from okrank.api.reviews.calibration_ids import review_global_id
from okrank.api.reviews.facts import outcome_audit
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import (
    ChangeBacklogItemStatus,
    CreateBacklogItem,
    TagBacklogItem,
)
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.okrs.commands import (
    ActivateObjective,
    AddKeyResult,
    CheckInKeyResult,
    CreateObjective,
)
from okrank.domain.rankings.scoring import Tier
from okrank.domain.reviews.commands import (
    CompleteReview,
    RecordReviewVerdict,
    StartQuarterlyReview,
)
from okrank.domain.reviews.review import ItemVerdict
from okrank.projections.engine.runner import event_store_env
from tests.support.past import events_stamped
from tests.support.read_models import wait_caught_up
from tests.support.waiting import wait_until

CYCLE = "2026-Q3"
BEFORE, DONE, AFTER = (datetime(2026, m, d, tzinfo=UTC) for m, d in ((8, 1), (8, 15), (9, 15)))
# Per team: (tier, key result, how many items). "up" goes 20 → 50 of 0 → 100 after the items
# are done (progress change 0.3: moved); "flat" stays at 10 (0.0: did not move).
TEAMS = {
    "Growth": [
        (Tier.DIRECT, "up", 4),
        (Tier.DIRECT, "flat", 2),
        (Tier.INDIRECT, "up", 2),
        (Tier.INDIRECT, "flat", 4),
    ],
    "Core": [
        (Tier.DIRECT, "up", 3),
        (Tier.DIRECT, "flat", 1),
        (Tier.INDIRECT, "up", 1),
        (Tier.INDIRECT, "flat", 3),
    ],
    "Ops": [(Tier.DIRECT, "up", 1), (Tier.DIRECT, "flat", 1)],  # for verdicts
}
CALIBRATION = """query($cycle: String) { alignmentCalibration(cycle: $cycle) {
  tiers { tier items meanProgressChange medianProgressChange
    moved { hits count share interval { low high } }
    verdicts { hits count share } }
  reviews { id team cycle itemsAudited }
  suggestion { direct indirect untagged } explanation minItemsPerTier
  current { direct indirect untagged version } } }"""
MULTIPLIERS = """{ alignmentMultipliers { direct indirect untagged version evidenceReviewIds
  history(newestFirst: true, first: 1) { edges { node { event reason
    fields { name value } } } } } }"""


@pytest.fixture
def app(database_url: str) -> Iterator[OkrankApplication]:
    app = OkrankApplication(env=event_store_env(database_url))
    yield app
    app.close()


def quarter_of_work(app: OkrankApplication, owner: Actor, team: str) -> dict[str, list[UUID]]:
    """The team's objective and items of 2026-Q3, done mid-quarter: items by "tier/kr"."""
    run = app.execute
    items: dict[str, list[UUID]] = {}
    with events_stamped(BEFORE):
        objective = run(owner, CreateObjective(CYCLE, f"{team} outcomes", team=team)).aggregate_id
        run(owner, AddKeyResult(objective, "up", 0, 100))
        run(owner, AddKeyResult(objective, "flat", 0, 100))
        run(owner, ActivateObjective(objective))
        krs = {k.metric: k.id for k in app.repository.get(objective).key_results}
        run(owner, CheckInKeyResult(objective, krs["up"], 20, 0.5))
        run(owner, CheckInKeyResult(objective, krs["flat"], 10, 0.5))
        for tier, kr, count in TEAMS[team]:
            for n in range(count):
                item = run(owner, CreateBacklogItem(f"{tier} {kr} {n}", team=team)).aggregate_id
                run(owner, TagBacklogItem(item, objective, tier, "aims at it", krs[kr]))
                items.setdefault(f"{tier.value}/{kr}", []).append(item)
    with events_stamped(DONE):
        for group in items.values():
            for item in group:
                run(owner, ChangeBacklogItemStatus(item, ItemStatus.DONE))
    with events_stamped(AFTER):
        run(owner, CheckInKeyResult(objective, krs["up"], 50, 0.7))
        run(owner, CheckInKeyResult(objective, krs["flat"], 10, 0.4))
    return items


def audit_now(url: str, workspace: str, team: str) -> Any:
    async def read() -> Any:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            return await outcome_audit(pool, workspace, team, CYCLE, 0, datetime.now(UTC))
        finally:
            await pool.close()

    return asyncio.run(read())


def review(
    app: OkrankApplication, url: str, owner: Actor, team: str, complete: bool = True
) -> UUID:
    """The team's review of 2026-Q3 (ended: the audit is final), completed early with a reason."""
    audit = audit_now(url, owner.workspace, team)
    ident = app.execute(owner, StartQuarterlyReview(team, CYCLE, 0, audit)).aggregate_id
    if complete:
        app.execute(owner, CompleteReview(ident, "the audit is what we calibrate from"))
    return ident


def calibration(gql: Any, cycle: str | None = None) -> dict[str, Any]:
    return gql.execute(CALIBRATION, {"cycle": cycle})["alignmentCalibration"]


def rounded(interval: dict[str, float]) -> tuple[float, float]:
    return (round(interval["low"], 4), round(interval["high"], 4))


def test_the_evidence_of_two_completed_reviews_and_a_recalibration_citing_them(
    gql: Any, app: OkrankApplication, database_url: str
) -> None:
    owner = Actor(gql.workspace, "olivia")
    quarter_of_work(app, owner, "Growth")
    quarter_of_work(app, owner, "Core")
    wait_caught_up(database_url)
    growth = review(app, database_url, owner, "Growth")
    core = review(app, database_url, owner, "Core")
    # A third review, still open: a verdict per DIRECT item (one moved, one did not).
    ops_items = quarter_of_work(app, owner, "Ops")
    wait_caught_up(database_url)
    ops = review(app, database_url, owner, "Ops", complete=False)
    app.execute(owner, RecordReviewVerdict(ops, ops_items["DIRECT/up"][0], ItemVerdict.MOVED_IT))
    app.execute(owner, RecordReviewVerdict(ops, ops_items["DIRECT/flat"][0], ItemVerdict.DID_NOT))

    def both_completed() -> dict[str, Any] | None:
        seen = calibration(gql)
        return seen if len(seen["reviews"]) == 2 else None

    seen = wait_until(both_completed, what="the two completed reviews in the catalog")
    assert {(r["id"], r["team"], r["cycle"], r["itemsAudited"]) for r in seen["reviews"]} == {
        (review_global_id(growth), "Growth", CYCLE, 12),
        (review_global_id(core), "Core", CYCLE, 8),
    }  # the open Ops review is not evidence
    direct, indirect = seen["tiers"]
    # By hand. DIRECT: 4 + 3 items on "up" moved (0.3 each), 2 + 1 on "flat" did not (0.0):
    # 7 of 10; mean 7 × 0.3 / 10 = 0.21; median 0.3. Wilson 7/10 at 95%: [0.3968, 0.8922].
    assert (direct["tier"], direct["items"]) == ("DIRECT", 10)
    assert (direct["moved"]["hits"], direct["moved"]["count"]) == (7, 10)
    assert direct["moved"]["share"] == pytest.approx(0.7)
    assert rounded(direct["moved"]["interval"]) == (0.3968, 0.8922)
    assert direct["meanProgressChange"] == pytest.approx(0.21)
    assert direct["medianProgressChange"] == pytest.approx(0.3)
    # INDIRECT: 2 + 1 moved of 10; mean 0.09; median 0.0; Wilson 3/10: [0.1078, 0.6032].
    assert (indirect["tier"], indirect["moved"]["hits"], indirect["moved"]["count"]) == (
        "INDIRECT",
        3,
        10,
    )
    assert rounded(indirect["moved"]["interval"]) == (0.1078, 0.6032)
    assert indirect["meanProgressChange"] == pytest.approx(0.09)
    assert indirect["medianProgressChange"] == pytest.approx(0.0)
    assert direct["verdicts"] == {"hits": 0, "count": 0, "share": None}  # none on these two
    # INDIRECT = DIRECT 2 × (0.3 / 0.7) = 0.857… → 0.86; DIRECT and UNTAGGED as they are.
    assert seen["suggestion"] == {"direct": 2.0, "indirect": 0.86, "untagged": 0.5}
    assert seen["current"] == {"direct": 2.0, "indirect": 1.0, "untagged": 0.5, "version": 0}
    assert seen["minItemsPerTier"] == 10
    assert "ratio 0.429" in seen["explanation"]

    # The reviewer's view: the Ops review's verdicts count once it is completed.
    app.execute(owner, CompleteReview(ops, "verdicts recorded"))
    with_ops = wait_until(
        lambda: next((c for c in [calibration(gql)] if len(c["reviews"]) == 3), None),
        what="the Ops review completed in the catalog",
    )
    assert with_ops["tiers"][0]["verdicts"] == {"hits": 1, "count": 2, "share": 0.5}

    # No evidence in a cycle without completed reviews: no suggestion, and why.
    empty = calibration(gql, "2026-Q2")
    assert (empty["reviews"], empty["suggestion"]) == ([], None)
    assert empty["explanation"].startswith("not enough evidence")

    cited = [review_global_id(growth), review_global_id(core)]
    done = gql.mutate(
        "recalibrateAlignmentMultipliers",
        {**seen["suggestion"], "reason": "Q3 evidence", "evidenceReviewIds": cited},
        "... on AlignmentMultipliersSuccess { alignmentMultipliers { indirect"
        " evidenceReviewIds } }",
    )
    assert done["alignmentMultipliers"] == {"indirect": 0.86, "evidenceReviewIds": cited}
    shown = gql.execute(MULTIPLIERS)["alignmentMultipliers"]
    assert shown["evidenceReviewIds"] == cited
    (change,) = [e["node"] for e in shown["history"]["edges"]]
    assert (change["event"], change["reason"]) == ("MultipliersRecalibrated", "Q3 evidence")
    fields = {f["name"]: json.loads(f["value"]) for f in change["fields"]}
    assert fields["evidence_review_ids"] == [str(growth), str(core)]


def test_citing_an_open_review_or_another_workspaces_is_refused_and_changes_nothing(
    gql: Any, client_factory: Any, app: OkrankApplication, database_url: str
) -> None:
    owner = Actor(gql.workspace, "olivia")
    stranger = Actor(client_factory().workspace, "sam")
    quarter_of_work(app, owner, "Growth")
    wait_caught_up(database_url)
    completed = review(app, database_url, owner, "Growth")
    still_open = review(app, database_url, owner, "Core", complete=False)
    elsewhere = review(app, database_url, stranger, "Growth")
    before = gql.execute(MULTIPLIERS)["alignmentMultipliers"]
    for bad, message in (
        (review_global_id(still_open), "is AUDITING"),
        (review_global_id(elsewhere), "no quarterly review of this workspace"),
        ("not-an-id", "is not a QuarterlyReview ID"),
    ):
        cited = [review_global_id(completed), bad]
        refused = gql.mutate(
            "recalibrateAlignmentMultipliers",
            {
                "direct": 3,
                "indirect": 1,
                "untagged": 0.5,
                "reason": "x",
                "evidenceReviewIds": cited,
            },
            "",
        )
        assert refused["__typename"] == "ValidationError"
        assert refused["path"] == ["input", "evidenceReviewIds", "1"]
        assert message in refused["message"]
    assert gql.execute(MULTIPLIERS)["alignmentMultipliers"] == before
    body = gql.post(CALIBRATION, {"cycle": "Q3"}).json()  # a malformed cycle filter
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_completed_reviews_audit_is_read_once_per_version_in_the_calibrations_snapshot(
    gql: Any, app: OkrankApplication, database_url: str
) -> None:
    owner = Actor(gql.workspace, "olivia")
    quarter_of_work(app, owner, "Growth")
    wait_caught_up(database_url)
    growth = review(app, database_url, owner, "Growth")

    def audited() -> list[int] | None:
        seen = [r["itemsAudited"] for r in calibration(gql)["reviews"]]
        return seen or None

    assert wait_until(audited, what="the completed review in the catalog") == [12]

    def rewrite(sql: str) -> None:
        async def run() -> None:
            conn = await asyncpg.connect(database_url)
            try:
                await conn.execute(sql, growth)
            finally:
                await conn.close()

        asyncio.run(run())

    # The stored audit emptied under the same version: the parse kept for that version answers.
    rewrite(
        "UPDATE quarterly_reviews SET audit = jsonb_set(audit, '{outcomes}', '[]') WHERE id = $1"
    )
    assert audited() == [12]
    # Another version (every event bumps it) is read again, from the same snapshot as its row.
    rewrite("UPDATE quarterly_reviews SET version = version + 1 WHERE id = $1")
    assert calibration(gql)["reviews"][0]["itemsAudited"] == 0
