"""Dashboards beside the ranking page: `coverage(team, cycle)`, `taggingSession(cycle, team)`
and `roadmap(team)` through HTTP on a workspace of 10,000 items (one team's backlog, across 20
active objectives of the cycle; 12 themes holding the objectives and 300 epics, as
bench.roadmap_read places them), measured in the same run and the same load loop as
`ranking(objectiveId, first: 50)`, in rounds that alternate them (the machines are shared and
noisy), after VACUUM ANALYZE (see `settle`). Coverage is measured twice: as served (a result is
kept between reads while the catalog is unchanged: api/coverage/cache.py) and on a second
server that keeps none, where every read scans the team's open items (the ranking page reads
50 rows).

Run: .venv/bin/python -m bench.dashboards [--items 10000] [--seconds 15] [--rounds 5] [--quick]
"""

from __future__ import annotations

from typing import Any

import psycopg

from bench.common import (
    Database,
    Probe,
    admin_token,
    alternating,
    okrank_server,
    print_figures,
    read_workspace_arguments,
    seed,
    wait_projected,
)
from bench.roadmap_read import ROADMAP, place
from okrank.api.coverage.cache import ENV as CACHE_ENV
from okrank.api.graphql.ids import to_global_id
from okrank.projections.engine.runner import rebuild

TEAM, CYCLE = "bench", "2026-Q3"  # bench.common.seed's objectives: team "bench", 2026-Q3
EPICS = 300  # items in the roadmap's themes (bench.roadmap_read.place)
RANKING = """query($o: ID!) { ranking(objectiveId: $o, first: 50) { edges { node {
  rank baseScore multiplier tier priority eligible backlogItem { id title } } } } }"""
SHARE = "items itemShare effort effortShare"
COVERAGE = f"""query($team: String!, $cycle: String!) {{ coverage(team: $team, cycle: $cycle) {{
  items effort linked {{ {SHARE} }} direct {{ {SHARE} }} indirect {{ {SHARE} }}
  justified {{ {SHARE} }} unjustified {{ {SHARE} }}
  byObjective {{ objective {{ id title }} share {{ {SHARE} }} direct {{ {SHARE} }}
                 indirect {{ {SHARE} }} }}
  estimates {{ measure items effort }} }} }}"""
SESSION = """query($team: String!, $cycle: String!) { taggingSession(cycle: $cycle, team: $team) {
  items triaged toGo progress toTriage(first: 50) { edges { node { id title } } } } }"""


def settle(db: Database) -> None:
    """VACUUM ANALYZE the rebuilt tables: the state autovacuum brings them to within a minute
    (a rebuild leaves each item's row updated once per event and no statistics), so neither
    query is measured against the minute after a rebuild."""
    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def main() -> None:
    args = read_workspace_arguments(__doc__, 15.0, "alternations of the queries")
    db = Database()
    figures: dict[str, Any] = {"items": args.items, "objectives": args.objectives}
    try:
        seeded = seed(db, args.items, args.objectives, team=TEAM)
        place(db, seeded.objectives, seeded.items, EPICS)  # the roadmap's themes and epics
        rebuild(db.url)
        settle(db)
        unthrottled = {"OKRANK_RATE_LIMIT": "0"}  # measure, not throttle (100/s per token)
        okrank = okrank_server(db, env=unthrottled)
        # The same reads where every coverage read scans (no results kept between reads).
        uncached = okrank_server(db, projections=False, env={**unthrottled, CACHE_ENV: "0"})
        try:
            wait_projected(db)
            gids = [to_global_id("Objective", o) for o in seeded.objectives]
            headers = {"Authorization": f"Bearer {admin_token()}"}
            per_round = args.seconds / args.rounds
            team_cycle = {"team": TEAM, "cycle": CYCLE}

            def ranking(n: int) -> tuple[str, dict[str, Any]]:
                return "/graphql", {"query": RANKING, "variables": {"o": gids[n % len(gids)]}}

            def coverage(n: int) -> tuple[str, dict[str, Any]]:
                return "/graphql", {"query": COVERAGE, "variables": team_cycle}

            def session(n: int) -> tuple[str, dict[str, Any]]:
                return "/graphql", {"query": SESSION, "variables": team_cycle}

            def check_ranking(response: Any) -> None:
                assert len(response.json()["data"]["ranking"]["edges"]) == 50

            def check_coverage(response: Any) -> None:
                data = response.json()["data"]["coverage"]
                assert data["items"] == args.items and data["linked"]["itemShare"] == 1.0

            def roadmap(n: int) -> tuple[str, dict[str, Any]]:
                return "/graphql", {"query": ROADMAP, "variables": {"team": TEAM}}

            def check_roadmap(response: Any) -> None:
                columns = response.json()["data"]["roadmap"]["columns"]
                assert sum(len(t["backlogItems"]) for c in columns for t in c["themes"]) == EPICS

            def check_session(response: Any) -> None:
                data = response.json()["data"]["taggingSession"]
                assert data["toGo"] == args.items, data

            queries: dict[str, Probe] = {
                "ranking": (okrank.url, ranking, check_ranking),
                "coverage": (okrank.url, coverage, check_coverage),
                "coverage_uncached": (uncached.url, coverage, check_coverage),
                "tagging_session": (okrank.url, session, check_session),
                "roadmap": (okrank.url, roadmap, check_roadmap),
            }
            figures.update(alternating(queries, (1, 8), args.rounds, per_round, headers))
        finally:
            uncached.close()
            okrank.close()
    finally:
        db.close()
    names = ("ranking", "coverage", "coverage_uncached", "tagging_session", "roadmap")
    print_figures(figures, names, (1, 8))


if __name__ == "__main__":
    main()
