"""Dashboards beside the ranking page: `coverage(team, cycle)`, `taggingSession(cycle, team)`
and `roadmap(team)` through HTTP on a workspace of 10,000 items (one team's backlog, across 20
active objectives of the cycle; 12 themes holding the objectives and 300 epics, as
bench.roadmap_read places them), measured in the same run and the same load loop as
`ranking(objectiveId, first: 50)`, in rounds that alternate them (the machines are shared and
noisy), after VACUUM ANALYZE (see `settle`). Coverage is measured twice: as served (a result is
kept between reads while the catalog is unchanged: api/coverage/cache.py) and on a second
server that keeps none, where every read sums the catalog's coverage tallies (what a busy
workspace sees: any catalog event drops the kept results). The roadmap is read by pages (each
theme's first page of items, objectives and discovery objectives: api.themes.roadmap.THEME_PAGE
each, what a board shows)
and, for comparison, with the full lists (every epic). Each dashboard's p50 and p99 are printed
as ratios of the ranking page's, against the aim: p50 within 1.5×, p99 within 2×.

Run: .venv/bin/python -m bench.dashboards [--items 10000] [--seconds 15] [--rounds 5] [--quick]
"""

from __future__ import annotations

from typing import Any

import psycopg

from bench.arguments import read_workspace_arguments
from bench.common import (
    Database,
    admin_token,
    okrank_server,
    seed,
    wait_projected,
)
from bench.roadmap_read import ROADMAP, place
from bench.rounds import Probe, alternating, graphql, print_figures
from okrank.api.coverage.cache import ENV as CACHE_ENV
from okrank.api.graphql.ids import to_global_id
from okrank.api.themes.roadmap import THEME_PAGE
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
PAGE = "edges { node { id title status } } pageInfo { hasNextPage endCursor }"
ROADMAP_PAGES = f"""query($team: String) {{ roadmap(team: $team) {{ columns {{ horizon themes {{
  theme {{ id name }} objectivesPage {{ {PAGE} }} backlogItemsPage {{ {PAGE} }}
  discoveryObjectivesPage {{ {PAGE} }} }} }} }} }}"""
THEMES = 12  # bench.roadmap_read.place's themes
AIM = {"p50_ms": 1.5, "p99_ms": 2.0}  # a dashboard's latency over the ranking page's, at most
DASHBOARDS = ("coverage", "coverage_uncached", "tagging_session", "roadmap", "roadmap_full")
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
            coverage = graphql(COVERAGE, team_cycle)

            def check_ranking(response: Any) -> None:
                assert len(response.json()["data"]["ranking"]["edges"]) == 50

            def check_coverage(response: Any) -> None:
                data = response.json()["data"]["coverage"]
                assert data["items"] == args.items and data["linked"]["itemShare"] == 1.0

            def check_roadmap(response: Any) -> None:
                columns = response.json()["data"]["roadmap"]["columns"]
                pages = [t["backlogItemsPage"] for c in columns for t in c["themes"]]
                assert sum(len(p["edges"]) for p in pages) == THEMES * THEME_PAGE

            def check_roadmap_full(response: Any) -> None:
                columns = response.json()["data"]["roadmap"]["columns"]
                assert sum(len(t["backlogItems"]) for c in columns for t in c["themes"]) == EPICS

            def check_session(response: Any) -> None:
                data = response.json()["data"]["taggingSession"]
                assert data["toGo"] == args.items, data

            queries: dict[str, Probe] = {
                "ranking": (okrank.url, graphql(RANKING, o=gids), check_ranking),
                "coverage": (okrank.url, coverage, check_coverage),
                "coverage_uncached": (uncached.url, coverage, check_coverage),
                "tagging_session": (okrank.url, graphql(SESSION, team_cycle), check_session),
                "roadmap": (okrank.url, graphql(ROADMAP_PAGES, {"team": TEAM}), check_roadmap),
                "roadmap_full": (okrank.url, graphql(ROADMAP, {"team": TEAM}), check_roadmap_full),
            }
            figures.update(alternating(queries, (1, 8), args.rounds, per_round, headers))
        finally:
            uncached.close()
            okrank.close()
    finally:
        db.close()
    for c in (1, 8):
        print(
            f"{c} client(s), over the ranking page (aim: p50 <= {AIM['p50_ms']}x,"
            f" p99 <= {AIM['p99_ms']}x):"
        )
        for name in DASHBOARDS:
            ratios = ratios_to_ranking(figures, name, c)
            figures[f"{name}_c{c}"]["over_ranking"] = ratios
            verdict = "within" if all(ratios[k] <= AIM[k] for k in AIM) else "OUTSIDE"
            p50, p99 = ratios["p50_ms"], ratios["p99_ms"]
            print(f"    {name}: p50 {p50:.2f}x, p99 {p99:.2f}x ({verdict})")
    print_figures(figures, ("ranking", *DASHBOARDS), (1, 8))


def ratios_to_ranking(figures: dict[str, Any], name: str, clients: int) -> dict[str, float]:
    """The dashboard's p50 and p99 over the ranking page's, measured in the same run."""
    mine, ranking = figures[f"{name}_c{clients}"], figures[f"ranking_c{clients}"]
    return {k: mine[k] / ranking[k] for k in AIM}


if __name__ == "__main__":
    main()
