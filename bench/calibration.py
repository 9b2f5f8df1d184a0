"""Calibration read: `alignmentCalibration(cycle)` through HTTP over `--reviews` completed quarterly
reviews of 2026-Q3 (one per team), each with a final audit of `--items` done items (each tagged
DIRECT or INDIRECT to one or two key results), beside `alignmentMultipliers` (the cheapest read of
the same workspace: the floor of HTTP, auth and GraphQL) in the same rounds. With `--before
PYTHON`, okrank as installed for that interpreter (an older checkout) is measured in the same
rounds too. Rounds alternate the reads; each figure is the whole run's p50/p99 at one client.

Run: .venv/bin/python -m bench.calibration [--reviews 40] [--items 250] [--seconds 10]
     [--rounds 5] [--before /path/to/other/.venv/bin/python] [--quick]
"""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.arguments import arguments
from bench.common import (
    WORKSPACE,
    Database,
    admin_token,
    okrank_server,
    wait_projected,
)
from bench.rounds import Probe, alternating, graphql
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.rankings.scoring import Tier
from okrank.domain.reviews.commands import CompleteReview, StartQuarterlyReview
from okrank.domain.reviews.outcomes import ItemOutcome, KeyResultMovement, OutcomeAudit
from okrank.projections.engine.runner import event_store_env

CYCLE = "2026-Q3"
CALIBRATION = """query($cycle: String) { alignmentCalibration(cycle: $cycle) {
  tiers { tier items moved { hits count share } meanProgressChange }
  reviews { id team itemsAudited } suggestion { indirect } explanation } }"""
MULTIPLIERS = "{ alignmentMultipliers { direct indirect untagged version } }"
TAKEN = datetime(2026, 10, 15, tzinfo=UTC)  # after the cycle's window: the audit is final


def audit_of(items: int, rng: random.Random) -> OutcomeAudit:
    """`items` done items, each moving (or not) one or two key results at a random tier."""
    krs = [(uuid.uuid4(), uuid.uuid4()) for _ in range(6)]
    outcomes = []
    for n in range(items):
        movements = []
        for kr, objective in rng.sample(krs, rng.choice([1, 1, 2])):
            change = rng.choice([0.0, 0.0, 0.1, 0.3, -0.1])
            tier = rng.choice([Tier.DIRECT, Tier.INDIRECT]).value
            movements.append(
                KeyResultMovement(kr, objective, tier, 20, 20 + 30 * change, change, change > 0)
            )
        done = datetime(2026, 8, 1 + n % 28, tzinfo=UTC)
        outcomes.append(
            ItemOutcome(uuid.uuid4(), f"item {n} of the quarter", done, 3.0, tuple(movements))
        )
    return OutcomeAudit(TAKEN, datetime(2026, 10, 1, tzinfo=UTC), tuple(outcomes), ())


def completed_reviews(db: Database, reviews: int, items: int) -> None:
    """One completed review of CYCLE per team, through the domain commands."""
    app = OkrankApplication(env=event_store_env(db.url))
    actor = Actor(WORKSPACE, "bench")
    rng = random.Random(3)
    try:
        for n in range(reviews):
            audit = audit_of(items, rng)
            ident = app.execute(
                actor, StartQuarterlyReview(f"team {n}", CYCLE, 0, audit)
            ).aggregate_id
            app.execute(actor, CompleteReview(ident, "the audit is what we calibrate from"))
    finally:
        app.close()


def main() -> None:
    args = arguments(
        __doc__,
        {"reviews": 10, "seconds": 4.0, "rounds": 2},
        {"seconds": "per figure, all rounds", "before": "a python whose okrank also runs"},
        reviews=40,
        items=250,
        seconds=10.0,
        rounds=5,
        before="",
    )
    print(f"load average before: {os.getloadavg()}")
    db = Database()
    figures: dict[str, Any] = {"reviews": args.reviews, "items": args.items}
    servers = []
    try:
        completed_reviews(db, args.reviews, args.items)
        servers.append(("now", okrank_server(db)))
        wait_projected(db)  # the read models exist before the other server starts
        if args.before:
            before = okrank_server(db, projections=False, python=args.before)
            servers.append(("before", before))

        def all_reviews(response: Any) -> None:
            found = response.json()["data"]["alignmentCalibration"]["reviews"]
            assert len(found) == args.reviews, response.text[:300]

        def multipliers(response: Any) -> None:
            assert response.json()["data"]["alignmentMultipliers"]["direct"] == 2.0

        probes: dict[str, Probe] = {}
        for name, server in servers:
            probes[f"calibration_{name}"] = (
                server.url,
                graphql(CALIBRATION, {"cycle": CYCLE}),
                all_reviews,
            )
            probes[f"multipliers_{name}"] = (server.url, graphql(MULTIPLIERS), multipliers)
        headers = {"Authorization": f"Bearer {admin_token()}"}
        figures.update(alternating(probes, (1,), args.rounds, args.seconds / args.rounds, headers))
    finally:
        for _, server in servers:
            server.close()
        db.close()
    for name, _ in servers:
        calibration, floor = figures[f"calibration_{name}_c1"], figures[f"multipliers_{name}_c1"]
        print(
            f"{name}: alignmentCalibration p50 {calibration['p50_ms']:.1f} ms"
            f" (p99 {calibration['p99_ms']:.1f});"
            f" alignmentMultipliers p50 {floor['p50_ms']:.1f} ms;"
            f" ×{calibration['p50_ms'] / floor['p50_ms']:.1f} of the floor"
        )
    if args.before:
        ratio = figures["calibration_before_c1"]["p50_ms"] / figures["calibration_now_c1"]["p50_ms"]
        figures["calibration_before_over_now_p50"] = ratio
        print(f"alignmentCalibration p50: before / now = {ratio:.1f}")
    print(f"load average after: {os.getloadavg()}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
