"""Review diagnostics and the decision guide through HTTP: `reviewDiagnostics` and
`recommendApproach` for team "bench" and 2026-Q3 (ended), on a workspace of `--items` tagged
items created in the cycle, `--done` of them done in it (the outcome audit reads each one's tags
at completion and the check-ins of every key result concerned) and `--sprints` closed sprints.

Run: .venv/bin/python -m bench.review_diagnostics [--items 10000] [--done 2000] [--sprints 4]
     [--seconds 5] [--quick]
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import SAVE_BATCH, WORKSPACE, Database, seed, work_sprint
from bench.reads import Read, one_client_arguments, timed_reads
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem, ItemStatus
from okrank.projections.engine.runner import event_store_env
from tests.support.past import events_stamped

TEAM = "bench"
DIAGNOSTICS = """query { reviewDiagnostics(team: "bench", cycle: "2026-Q3") {
  diagnostics { code applies explanation facts { name number flag source } } } }"""
RECOMMEND = """query { recommendApproach(team: "bench", cycle: "2026-Q3",
  answers: {seniorStakeholdersAskWhy: false}) { approach rule nextStep
  facts { name number flag source } } }"""


def in_the_cycle(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def history(db: Database, seeded: Any, done: int, sprints: int) -> None:
    """`done` items done in August with check-ins on either side, then `sprints` closed sprints
    of 20 items each (half done) in September."""
    app = OkrankApplication(env=event_store_env(db.url))
    actor = Actor(WORKSPACE, "bench")
    try:
        krs = seeded.key_results
        with events_stamped(in_the_cycle(7, 15)):
            for o in seeded.objectives:
                app.check_in_key_result(actor, o, krs[o], 10.0, 0.6)
        with events_stamped(in_the_cycle(8, 15)):
            for start in range(0, done, SAVE_BATCH):
                batch = [app.repository.get(i) for i in seeded.items[start : start + SAVE_BATCH]]
                for item in batch:
                    assert isinstance(item, BacklogItem)
                    item.change_status(ItemStatus.DONE, "", actor.subject)
                app.save(*batch)
        with events_stamped(in_the_cycle(9, 1)):
            for o in seeded.objectives[::2]:  # half the key results move after the work
                app.check_in_key_result(actor, o, krs[o], 30.0, 0.7)
        objective = seeded.objectives[0]
        day = date(2026, 9, 2)
        for s in range(sprints):
            planned = seeded.items[done + 20 * s : done + 20 * s + 20]
            with events_stamped(datetime(day.year, day.month, day.day, 12, tzinfo=UTC)):
                sprint = app.create_sprint(
                    actor,
                    TEAM,
                    "2026-Q3",
                    day,
                    day + timedelta(6),
                    f"step {s}",
                    objective,
                    krs[objective],
                ).aggregate_id
                work_sprint(app, actor, sprint, planned)
                app.close_sprint(actor, sprint)
            day += timedelta(7)
    finally:
        app.close()


def main() -> None:
    args = one_client_arguments(__doc__, {"done": 200}, done=2_000, sprints=4)

    def prepared(db: Database) -> dict[str, Read]:
        with events_stamped(in_the_cycle(7, 2)):
            seeded = seed(db, args.items, team=TEAM)
        history(db, seeded, args.done, args.sprints)

        def done_items_ok(response: Any) -> None:
            found = response.json()["data"]["reviewDiagnostics"]["diagnostics"]
            facts = {f["name"]: f["number"] for f in found[1]["facts"]}
            assert facts["done items"] == args.done + 10 * args.sprints, facts

        def recommended(response: Any) -> None:
            assert "errors" not in response.json(), response.text

        return {
            "reviewDiagnostics": ({"query": DIAGNOSTICS}, done_items_ok),
            "recommendApproach": ({"query": RECOMMEND}, recommended),
        }

    timed_reads(args, ("items", "done", "sprints"), prepared)


if __name__ == "__main__":
    main()
