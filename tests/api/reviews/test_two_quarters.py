"""Two quarters end to end through GraphQL, on top of the execution loop: Growth's 2026-Q2 and
2026-Q3 lived in the past (objectives and key results, tagged items done, check-ins that move a
key result or not; written through the real application in-process, events stamped then), then
both reviewed now through the real endpoint: the audit flags exactly the items computed by hand,
the Q2 reset and re-grooming leave the backlog and rankings computed by hand, and the evidence of
the two completed reviews and the suggested multipliers equal a hand computation, which a
recalibration then cites.

By hand. Q2's objective A has key result a (0 → 10), checked in at 2 on May 1 and at 6 on June 1:
an item done on April 15 sees a move from 0 to 6 (progress +0.6), one done on June 15 none. Q3's
objective B has key result b (0 → 10), checked in at 4 on August 1: done on July 10, +0.4; done
on September 20, none.
- Q2: 8 DIRECT items done in April (moved), 4 DIRECT in June (reassess), 3 INDIRECT in April
  (moved), 9 INDIRECT in June (reassess): 24 done, 13 flagged; A's grade 0.6.
- Q3: 3 DIRECT done in July (moved), 2 INDIRECT in September (reassess).
- Evidence: DIRECT 11 of 15 moved, mean progress (8 × 0.6 + 3 × 0.4) / 15 = 0.4; INDIRECT 3 of 14,
  mean 3 × 0.6 / 14. Suggestion: DIRECT and UNTAGGED kept (2.0, 0.5), INDIRECT 2.0 × (3/14) /
  (11/15) = 0.584… → 0.58.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from okrank.api.graphql.ids import to_global_id
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
from okrank.projections.engine.runner import event_store_env
from tests.support.past import events_stamped
from tests.support.read_models import wait_caught_up
from tests.support.waiting import wait_until

TEAM = "Growth"
Z = 1.959964  # the 95% normal quantile of the Wilson interval
REVIEW = """... on QuarterlyReviewSuccess { quarterlyReview { id phase version draft
  delivery { itemsDone } attainment { grade }
  archivedItems { id } seedItems { item { id title } }
  regrooming { handled toGo } } }"""
FLAGGED = """query($cycle: String!) { quarterlyReview(team: "Growth", cycle: $cycle) {
  outcomes(first: 100, filter: {reassess: true}) { edges { node { item { id } } } } } }"""
BACKLOG = """query { backlogItems(first: 100) { edges { node {
  id title status tags { tier objective { id } } } } } }"""
RANKING = (
    """query($o: ID!) { ranking(objectiveId: $o) { edges { node { backlogItem { id } } } } }"""
)
CALIBRATION = """{ alignmentCalibration { tiers { tier items meanProgressChange
  moved { hits count share interval { low high } } }
  reviews { id } suggestion { direct indirect untagged } } }"""


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def gid(kind: str, ident: UUID) -> str:
    return to_global_id(kind, ident)


def wilson(hits: int, n: int) -> tuple[float, float]:
    share = hits / n
    centre = (share + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(share * (1 - share) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return round(centre - half, 4), round(centre + half, 4)


class History:
    """Growth's two quarters, written in the past into the test server's database."""

    def __init__(self, database_url: str, workspace: str) -> None:
        self.owner = Actor(workspace, "po")
        self.app = OkrankApplication(env=event_store_env(database_url))
        self.ids: dict[str, list[UUID]] = {}

    def run(self, command: Any) -> UUID:
        return self.app.execute(self.owner, command).aggregate_id

    def objective(self, cycle: str, title: str, metric: str) -> tuple[UUID, UUID]:
        objective = self.run(CreateObjective(cycle, title, team=TEAM))
        self.run(AddKeyResult(objective, metric, 0, 10))
        self.run(ActivateObjective(objective))
        return objective, self.app.repository.get(objective).key_results[0].id

    def items(self, name: str, count: int, tag: tuple[UUID, UUID, Tier] | None) -> None:
        self.ids[name] = []
        for n in range(count):
            item = self.run(CreateBacklogItem(f"{name} {n}", team=TEAM))
            if tag is not None:
                objective, key_result, tier = tag
                self.run(TagBacklogItem(item, objective, tier, "serves it", key_result))
            self.ids[name].append(item)

    def done(self, *names: str) -> None:
        for name in names:
            for item in self.ids[name]:
                self.run(ChangeBacklogItemStatus(item, ItemStatus.DONE))

    def write(self) -> None:
        run = self.run
        with events_stamped(at(4, 1)):
            self.a, self.a_kr = self.objective("2026-Q2", "Activation", "activation %")
            direct, indirect = (self.a, self.a_kr, Tier.DIRECT), (self.a, self.a_kr, Tier.INDIRECT)
            self.items("q2 direct early", 8, direct)
            self.items("q2 direct late", 4, direct)
            self.items("q2 indirect early", 3, indirect)
            self.items("q2 indirect late", 9, indirect)
            self.items("untagged open", 2, None)
            self.items("stale open", 1, direct)  # tagged to Q2 only: archived by the reset
        with events_stamped(at(4, 15)):
            self.done("q2 direct early", "q2 indirect early")
        with events_stamped(at(5, 1)):
            run(CheckInKeyResult(self.a, self.a_kr, 2, 0.5))
        with events_stamped(at(6, 1)):
            run(CheckInKeyResult(self.a, self.a_kr, 6, 0.6))
        with events_stamped(at(6, 15)):
            self.done("q2 direct late", "q2 indirect late")
        with events_stamped(at(6, 20)):
            self.b, self.b_kr = self.objective("2026-Q3", "Retention", "retention %")
            self.items("carried", 1, (self.b, self.b_kr, Tier.INDIRECT))
            self.items("rescoped", 1, (self.b, self.b_kr, Tier.DIRECT))
        with events_stamped(at(7, 1)):
            self.items("q3 direct", 3, (self.b, self.b_kr, Tier.DIRECT))
            self.items("q3 indirect", 2, (self.b, self.b_kr, Tier.INDIRECT))
        with events_stamped(at(7, 10)):
            self.done("q3 direct")
        with events_stamped(at(8, 1)):
            run(CheckInKeyResult(self.b, self.b_kr, 4, 0.7))
        with events_stamped(at(9, 20)):
            self.done("q3 indirect")

    def gids(self, *names: str) -> set[str]:
        return {gid("BacklogItem", i) for name in names for i in self.ids[name]}


@pytest.fixture
def history(gql: Any, database_url: str) -> Any:
    past = History(database_url, gql.workspace)
    try:
        past.write()
    finally:
        past.app.close()
    wait_caught_up(database_url)
    return past


def flagged(gql: Any, cycle: str) -> set[str]:
    edges = gql.execute(FLAGGED, {"cycle": cycle})["quarterlyReview"]["outcomes"]["edges"]
    return {e["node"]["item"]["id"] for e in edges}


def succeeded(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["__typename"] == "QuarterlyReviewSuccess", payload
    return payload["quarterlyReview"]


def test_two_quarters_reviewed_reset_regroomed_and_calibrated_as_computed_by_hand(gql, history):
    h = history
    # Q2: the outcome audit.
    q2 = succeeded(gql.mutate("startQuarterlyReview", {"team": TEAM, "cycle": "2026-Q2"}, REVIEW))
    assert (q2["draft"], q2["delivery"], q2["attainment"]) == (
        False,
        {"itemsDone": 24},
        [{"grade": pytest.approx(0.6)}],
    )
    assert flagged(gql, "2026-Q2") == h.gids("q2 direct late", "q2 indirect late")
    early = gid("BacklogItem", h.ids["q2 direct early"][0])
    verdict = {"reviewId": q2["id"], "backlogItemId": early, "verdict": "MOVED_IT"}
    succeeded(gql.mutate("recordReviewVerdict", verdict, REVIEW))

    # Q2: the backlog reset around Q3's objective, then re-grooming.
    reset = {
        "reviewId": q2["id"],
        "nextCycle": "2026-Q3",
        "nextObjectiveIds": [gid("Objective", h.b)],
        "reason": "Q3 is about retention",
    }
    after_reset = succeeded(gql.mutate("resetBacklog", reset, REVIEW))
    assert {i["id"] for i in after_reset["archivedItems"]} == h.gids("untagged open", "stale open")
    (seed,) = after_reset["seedItems"]
    assert seed["item"]["title"] == "OKR seed: Retention"
    assert after_reset["regrooming"] == {"handled": 0, "toGo": 2}
    carried, rescoped = (gid("BacklogItem", h.ids[n][0]) for n in ("carried", "rescoped"))
    forward = {"action": "TAGGED_FORWARD", "objectiveId": gid("Objective", h.b), "tier": "DIRECT"}
    for item, action in (
        (carried, forward),
        (rescoped, {"action": "RESCOPED", "title": "Smaller"}),
    ):
        succeeded(
            gql.mutate(
                "regroomReviewItem", {"reviewId": q2["id"], "backlogItemId": item, **action}, REVIEW
            )
        )
    completed = succeeded(gql.mutate("completeReview", {"reviewId": q2["id"]}, REVIEW))
    assert (completed["phase"], completed["regrooming"]) == ("COMPLETED", {"handled": 2, "toGo": 0})

    items = {e["node"]["id"]: e["node"] for e in gql.execute(BACKLOG)["backlogItems"]["edges"]}
    assert {i for i, n in items.items() if n["status"] == "ARCHIVED"} == h.gids(
        "untagged open", "stale open"
    )
    assert items[carried]["tags"] == [
        {"tier": "DIRECT", "objective": {"id": gid("Objective", h.b)}}
    ]
    assert items[rescoped]["title"] == "Smaller"
    assert items[seed["item"]["id"]]["tags"] == [
        {"tier": "DIRECT", "objective": {"id": gid("Objective", h.b)}}
    ]

    def ranked_under_retention() -> set[str] | None:
        edges = gql.execute(RANKING, {"o": gid("Objective", h.b)})["ranking"]["edges"]
        ranked = {e["node"]["backlogItem"]["id"] for e in edges}
        return ranked if seed["item"]["id"] in ranked else None

    # Rankings moved: the open items of Q3's objective are the carried, rescoped and seed items.
    assert wait_until(ranked_under_retention, what="the seed ranked") == {
        carried,
        rescoped,
        seed["item"]["id"],
    }

    # Q3: the audit, closed without a reset (the team moves on), with its reason.
    q3 = succeeded(gql.mutate("startQuarterlyReview", {"team": TEAM, "cycle": "2026-Q3"}, REVIEW))
    assert q3["delivery"] == {"itemsDone": 5}
    assert flagged(gql, "2026-Q3") == h.gids("q3 indirect")
    closing = {"reviewId": q3["id"], "reason": "the team moves to Platform"}
    assert succeeded(gql.mutate("completeReview", closing, REVIEW))["phase"] == "COMPLETED"

    # Calibration from the two completed reviews.
    evidence = gql.execute(CALIBRATION)["alignmentCalibration"]
    assert {r["id"] for r in evidence["reviews"]} == {q2["id"], q3["id"]}
    tiers = {t["tier"]: t for t in evidence["tiers"]}
    for tier, hits, count, mean in (("DIRECT", 11, 15, 0.4), ("INDIRECT", 3, 14, 1.8 / 14)):
        moved = tiers[tier]["moved"]
        assert (tiers[tier]["items"], moved["hits"], moved["count"]) == (count, hits, count)
        assert moved["share"] == pytest.approx(hits / count)
        interval = moved["interval"]
        assert (round(interval["low"], 4), round(interval["high"], 4)) == wilson(hits, count)
        assert tiers[tier]["meanProgressChange"] == pytest.approx(mean)
    indirect = round(2.0 * (3 / 14) / (11 / 15), 2)
    assert evidence["suggestion"] == {"direct": 2.0, "indirect": indirect, "untagged": 0.5}
    assert indirect == 0.58

    # The recalibration cites the reviews it follows.
    recalibration = {
        **evidence["suggestion"],
        "reason": "two quarters of evidence",
        "evidenceReviewIds": [q2["id"], q3["id"]],
    }
    answer = gql.mutate(
        "recalibrateAlignmentMultipliers",
        recalibration,
        "... on AlignmentMultipliersSuccess { alignmentMultipliers { indirect"
        " evidenceReviewIds } }",
    )
    assert answer["alignmentMultipliers"] == {
        "indirect": 0.58,
        "evidenceReviewIds": [q2["id"], q3["id"]],
    }, answer
