"""Read path: `roadmap(team:)` beside `ranking(objectiveId, first: 50)` in the same run, through
HTTP on a workspace of 10,000 items across 20 objectives. The roadmap holds 12 themes (4 per
horizon), every objective in one, 5 of them also discovery objectives preparing a LATER theme,
and `--epics` items (of the team) in themes. Rounds alternate the two reads; each figure is
the whole run's p50/p99.

Run: .venv/bin/python -m bench.roadmap_read [--items 10000] [--epics 300] [--seconds 10]
     [--quick]
"""

from __future__ import annotations

from typing import Any

from bench.arguments import arguments
from bench.common import (
    WORKSPACE,
    Database,
    admin_token,
    okrank_server,
    seed,
    wait_projected,
)
from bench.rounds import alternating, graphql, print_figures
from okrank.api.graphql.ids import to_global_id
from okrank.domain.application import OkrankApplication
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.okrs.objective import Objective
from okrank.domain.themes.theme import Horizon, Theme
from okrank.projections.engine.runner import event_store_env, rebuild

TEAM = "bench"  # the seeded objectives' team
RANKING = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank baseScore multiplier tier priority eligible backlogItem { id title } } } } }"""
ROADMAP = """query($team: String) { roadmap(team: $team) { columns { horizon themes {
  theme { id name } objectives { id title status } backlogItems { id title status }
  discoveryObjectives { id title } } } } }"""


def place(db: Database, objectives: list[Any], items: list[Any], epics: int) -> None:
    """Themes, and the work in them, saved straight through the aggregates."""
    app = OkrankApplication(env=event_store_env(db.url))
    try:
        themes = [
            Theme(
                workspace=WORKSPACE,
                name=f"{h.value.lower()} theme {n}",
                description="",
                horizon=h.value,
                team=TEAM,
                actor="seed",
            )
            for h in Horizon
            for n in range(4)
        ]
        app.save(*themes)
        later = [t for t in themes if t.horizon == Horizon.LATER.value]
        placed_objectives = []
        for n, ident in enumerate(objectives):
            o: Objective = app.repository.get(ident)
            o.set_theme(theme_id=themes[n % len(themes)].id, actor="seed")
            if n < 5:
                o.mark_discovery(prepares_theme_id=later[n % len(later)].id, actor="seed")
            placed_objectives.append(o)
        app.save(*placed_objectives)
        for start in range(0, epics, 100):
            batch = []
            for n in range(start, min(epics, start + 100)):
                i: BacklogItem = app.repository.get(items[n])
                i.assign_team(TEAM, "seed")
                i.set_theme(theme_id=themes[n % len(themes)].id, actor="seed")
                batch.append(i)
            app.save(*batch)
    finally:
        app.close()


def main() -> None:
    args = arguments(
        __doc__,
        {"items": 1000, "seconds": 3.0},
        {"seconds": "per figure, all rounds", "rounds": "ranking/roadmap alternations"},
        items=10_000,
        objectives=20,
        epics=300,
        seconds=10.0,
        rounds=5,
    )
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "epics": args.epics}
    try:
        seeded = seed(db, args.items, args.objectives)
        place(db, seeded.objectives, seeded.items, args.epics)
        rebuild(db.url)
        okrank = okrank_server(db)
        try:
            wait_projected(db)
            gids = [to_global_id("Objective", o) for o in seeded.objectives]
            headers = {"Authorization": f"Bearer {admin_token()}"}
            per_round = args.seconds / args.rounds

            def check_ranking(response: Any) -> None:
                assert len(response.json()["data"]["ranking"]["edges"]) == 50

            def check_roadmap(response: Any) -> None:
                columns = response.json()["data"]["roadmap"]["columns"]
                found = sum(len(t["backlogItems"]) for c in columns for t in c["themes"])
                assert found == args.epics, found

            reads = {
                "ranking": (okrank.url, graphql(RANKING, o=gids), check_ranking),
                "roadmap": (okrank.url, graphql(ROADMAP, {"team": TEAM}), check_roadmap),
            }
            figures.update(alternating(reads, (1, 8), args.rounds, per_round, headers))
        finally:
            okrank.close()
    finally:
        db.close()
    print_figures(figures, ("ranking", "roadmap"), (1, 8))


if __name__ == "__main__":
    main()
