"""Sprint reads: `zombies(team, first: 50)` and a closed sprint's `review` through HTTP, beside
`ranking(objectiveId, first: 50)` in the same run with the same load loop, on a workspace of
`--items` tagged items plus `--untagged` open items of the team with no tag (each a zombie once
the team's `--sprints` sprints have closed: the default threshold is 3 sprints).

Run: .venv/bin/python -m bench.sprint_reads [--items 10000] [--untagged 2000] [--seconds 5]
     [--quick]
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bench.common import SAVE_BATCH, WORKSPACE, Database, seed, work_sprint
from bench.reads import Read, one_client_arguments, timed_reads
from okrank.api.graphql.ids import to_global_id
from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import BacklogItem
from okrank.projections.engine.runner import event_store_env, rebuild

TEAM = "bench"
RANKING = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank priority backlogItem { id title } } } } }"""
ZOMBIES = """query { zombies(team: "bench", first: 50) { totalCount zombies {
  item { id title } lingeredDays sprintsSurvived { id } } } }"""
REVIEW = """query($s: ID!) { sprint(id: $s) { review { doneItems { id title }
  carriedOverItems { id } keyResults { keyResult { id grade } doneItems { id }
  checkIns { value confidence } } } } }"""


def run_sprints(db: Database, seeded: Any, untagged: int, sprints: int) -> list[Any]:
    """The team's untagged items, then `sprints` sprints of 20 tagged items each: half done,
    a check-in of the goal's key result each, closed."""
    app = OkrankApplication(env=event_store_env(db.url))
    actor = Actor(WORKSPACE, "bench")
    try:
        for start in range(0, untagged, SAVE_BATCH):
            batch = []
            for n in range(start, min(untagged, start + SAVE_BATCH)):
                item = BacklogItem(WORKSPACE, f"untagged {n}", "", "FEATURE", actor.subject)
                item.assign_team(TEAM, actor.subject)
                batch.append(item)
            app.save(*batch)
        objective = seeded.objectives[0]
        key_result = seeded.key_results[objective]
        ids, day = [], date(2026, 7, 1)
        for s in range(sprints):
            sprint = app.create_sprint(
                actor, TEAM, "2026-Q3", day, day + timedelta(13), f"step {s}", objective, key_result
            ).aggregate_id
            day += timedelta(14)
            planned = seeded.items[20 * s : 20 * s + 20]
            work_sprint(app, actor, sprint, planned)
            app.check_in_key_result(actor, objective, key_result, 10.0 * (s + 1), 0.7)
            app.close_sprint(actor, sprint)
            ids.append(sprint)
        return ids
    finally:
        app.close()


def main() -> None:
    args = one_client_arguments(__doc__, {"untagged": 200}, untagged=2_000, sprints=4)

    def prepared(db: Database) -> dict[str, Read]:
        seeded = seed(db, args.items)
        sprints = run_sprints(db, seeded, args.untagged, args.sprints)
        rebuild(db.url)
        objective = to_global_id("Objective", seeded.objectives[0])
        sprint = to_global_id("Sprint", sprints[-1])

        def zombies_ok(response: Any) -> None:
            assert response.json()["data"]["zombies"]["totalCount"] == args.untagged

        def review_ok(response: Any) -> None:
            body = response.json()
            assert "data" in body, response.text[:500]
            assert len(body["data"]["sprint"]["review"]["doneItems"]) == 10

        return {
            "ranking": ({"query": RANKING, "variables": {"o": objective}}, None),
            "zombies": ({"query": ZOMBIES}, zombies_ok),
            "review": ({"query": REVIEW, "variables": {"s": sprint}}, review_ok),
        }

    timed_reads(args, ("items", "untagged", "sprints"), prepared)


if __name__ == "__main__":
    main()
