"""The quarterly review on a workspace of 10,000 items (bench.common.seed: one team's backlog,
20 active objectives of 2026-Q3 with one key result each, every item tagged) of which 2,000 were
done in the quarter, with half the key results checked in after they were done (their items
moved them; the others' items are flagged to reassess). The history is written in the past: the
seed, the completions and the check-ins are stamped in 2026-Q3 (tests.support.past), so the
review is of a cycle that has ended, as in production.

Measured in the same run: `quarterlyReview(team, cycle)` with its first page of outcomes
(50 items with their key results and movements) beside `ranking(objectiveId, first: 50)`, in
alternating rounds (the machines are shared and noisy), after VACUUM ANALYZE; then the audit's
computation: `outcome_audit` (api.reviews.facts: the read-model reads and the rule) on its own,
and the `startQuarterlyReview` mutation once and `auditReviewOutcomes` (the same computation,
the command storing the audit, the read models showing it) AUDITS times, one at a time.

Run: .venv/bin/python -m bench.quarterly_review [--items 10000] [--seconds 15] [--rounds 5]
     [--quick]
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from bench.arguments import read_workspace_arguments
from bench.common import (
    SAVE_BATCH,
    WORKSPACE,
    Database,
    admin_token,
    okrank_server,
    pct,
    seed,
    wait_projected,
)
from bench.dashboards import RANKING, settle
from bench.rounds import alternating, graphql, print_figures
from okrank.api.graphql.ids import to_global_id
from okrank.api.reviews.facts import outcome_audit
from okrank.domain.application import OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.projections.engine.runner import event_store_env, rebuild
from tests.support.past import events_stamped
from tests.support.read_models import wait_caught_up

TEAM, CYCLE = "bench", "2026-Q3"
TEAM_CYCLE = {"team": TEAM, "cycle": CYCLE}
DONE_SHARE = 5  # one item in five was done in the quarter: 2,000 of 10,000
AUDITS = 20  # audits taken again, one at a time (each stores the whole audit: ~1 MB for 2,000)
SEEDED, DONE, CHECKED_IN = (datetime(2026, m, 1, 12, tzinfo=UTC) for m in (7, 8, 9))
REVIEW = """query($team: String, $cycle: String!) { quarterlyReview(team: $team, cycle: $cycle) {
  id phase draft delivery { itemsDone effortDone } attainment { objective { id } grade }
  outcomes(first: 50) { edges { node { item { id title } doneAt reassess verdict
    movements { keyResult { id } tier valueAtCompletion valueAtWindowEnd progressChange moved }
  } } pageInfo { hasNextPage endCursor } } } }"""
START = """mutation($input: StartQuarterlyReviewInput!) { startQuarterlyReview(input: $input) {
  __typename ... on QuarterlyReviewSuccess { quarterlyReview { id draft } } } }"""
AUDIT = """mutation($input: AuditReviewOutcomesInput!) { auditReviewOutcomes(input: $input) {
  __typename ... on QuarterlyReviewSuccess { quarterlyReview { version } } } }"""


def complete_and_check_in(db: Database, seeded: Any, done: int) -> None:
    """`done` items DONE on August 1st; half the key results checked in on September 1st."""
    app = OkrankApplication(env=event_store_env(db.url))
    try:
        picked = random.Random(2).sample(seeded.items, done)
        with events_stamped(DONE):
            for start in range(0, done, SAVE_BATCH):
                batch = [app.repository.get(i) for i in picked[start : start + SAVE_BATCH]]
                for i in batch:
                    i.change_status(ItemStatus.DONE, "", "seed")
                app.save(*batch)
        with events_stamped(CHECKED_IN):
            for objective_id in seeded.objectives[::2]:
                o = app.repository.get(objective_id)
                o.check_in(seeded.key_results[objective_id], 40, 0.6, None, "seed")
                app.save(o)
    finally:
        app.close()


async def audit_computations(url: str, count: int) -> list[float]:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        latencies = []
        for _ in range(count):
            start = time.perf_counter()
            audit = await outcome_audit(pool, WORKSPACE, TEAM, CYCLE, 0, datetime.now(UTC))
            latencies.append((time.perf_counter() - start) * 1000)
        assert audit.items_done > 0
        return latencies
    finally:
        await pool.close()


def mutation_latencies(url: str, headers: dict[str, str], audits: int) -> dict[str, Any]:
    with httpx.Client(base_url=url, headers=headers, timeout=120) as http:

        def post(query: str, data: dict[str, Any]) -> tuple[float, dict[str, Any]]:
            start = time.perf_counter()
            answer = http.post("/graphql", json={"query": query, "variables": {"input": data}})
            ms = (time.perf_counter() - start) * 1000
            payload = next(iter(answer.json()["data"].values()))
            assert payload["__typename"] == "QuarterlyReviewSuccess", answer.text
            return ms, payload

        start_ms, started = post(START, {"team": TEAM, "cycle": CYCLE})
        review = started["quarterlyReview"]["id"]
        audit_ms = [post(AUDIT, {"reviewId": review})[0] for _ in range(audits)]
    return {
        "start_ms": start_ms,
        "audit_again": {"n": audits, "p50_ms": pct(audit_ms, 0.5), "p99_ms": pct(audit_ms, 0.99)},
        "audit_again_first_last_ms": [audit_ms[0], audit_ms[-1]],
    }


def main() -> None:
    args = read_workspace_arguments(__doc__, 15.0, "alternations of the queries")
    args.done, args.audits = args.items // DONE_SHARE, AUDITS
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "done": args.done, "stamping": "2026-Q3"}
    try:
        with events_stamped(SEEDED):
            seeded = seed(db, args.items, args.objectives, team=TEAM)
        complete_and_check_in(db, seeded, args.done)
        rebuild(db.url)
        settle(db)
        okrank = okrank_server(db, env={"OKRANK_RATE_LIMIT": "0"})
        try:
            wait_projected(db)
            # Every view, the audit chain too (not rebuilt: it chains the seed's events once
            # the server runs), before the mutations wait for them.
            wait_caught_up(db.url, timeout=1800)
            headers = {"Authorization": f"Bearer {admin_token()}"}
            computed = asyncio.run(audit_computations(db.url, args.audits))
            figures["outcome_audit_computation"] = {
                "n": len(computed),
                "p50_ms": pct(computed, 0.5),
                "p99_ms": pct(computed, 0.99),
            }
            figures.update(mutation_latencies(okrank.url, headers, args.audits))
            settle(db)
            gids = [to_global_id("Objective", o) for o in seeded.objectives]
            per_round = args.seconds / args.rounds

            def check_ranking(response: Any) -> None:
                assert response.json()["data"]["ranking"]["edges"]  # done items leave the ranking

            def check_review(response: Any) -> None:
                data = response.json()["data"]["quarterlyReview"]
                assert data["delivery"]["itemsDone"] == args.done, data["delivery"]
                assert len(data["outcomes"]["edges"]) == 50

            probes = {
                "ranking": (okrank.url, graphql(RANKING, o=gids), check_ranking),
                "review": (
                    okrank.url,
                    graphql(REVIEW, {"team": TEAM, "cycle": CYCLE}),
                    check_review,
                ),
            }
            figures.update(alternating(probes, (1, 8), args.rounds, per_round, headers))
        finally:
            okrank.close()
    finally:
        db.close()
    print_figures(figures, ("ranking", "review"), (1, 8))


if __name__ == "__main__":
    main()
