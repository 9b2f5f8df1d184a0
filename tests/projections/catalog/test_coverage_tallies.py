"""The catalog's coverage tallies equal a fresh computation: after a random mix of the changes
that move an item's coverage (tag, untag, retag, status, team, effort, job size, justification,
an objective's activation or close), the coverage each team and cycle reads from the tallies is
the one a scan of its open items gives, in a real database with the live projections."""

from __future__ import annotations

import asyncio
import contextlib
import random
from uuid import UUID

import asyncpg
import psycopg

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.errors import DomainError
from okrank.domain.rankings.scoring import RiceInputs, Tier, WsjfInputs
from tests.support.coverage_scan import both_coverages
from tests.support.read_models import project_until_caught_up, running_projections, wait_caught_up

WORKSPACE = "ws"
TEAMS = ["red", "blue", ""]
CYCLES = ["2026-Q3", "2026-Q4", "2026"]
EFFORTS = [0.25, 0.5, 1.0, 2.75, 3.0, 8.0]  # sums of these are exact in float8 too
JOB_SIZES = [1, 2, 3, 5, 8, 13]


def random_changes(
    app: OkrankApplication,
    actor: Actor,
    rnd: random.Random,
    items: list[UUID],
    objectives: list[UUID],
    n: int,
) -> None:
    """`n` changes picked at random; one the domain refuses (a status move it does not allow,
    an untag of an untagged item) is skipped, as a user's refused command changes nothing."""
    for _ in range(n):
        i, o = rnd.choice(items), rnd.choice(objectives)
        change = rnd.randrange(9)
        with contextlib.suppress(DomainError):
            if change == 0:
                app.tag_backlog_item(actor, i, o, rnd.choice([Tier.DIRECT, Tier.INDIRECT]), "r")
            elif change == 1:
                app.retag_backlog_item(actor, i, o, rnd.choice([Tier.DIRECT, Tier.INDIRECT]), "r")
            elif change == 2:
                app.untag_backlog_item(actor, i, o, "moved")
            elif change == 3:
                app.change_backlog_item_status(actor, i, rnd.choice(list(ItemStatus)), "moved")
            elif change == 4:
                app.update_backlog_item(actor, i, team=rnd.choice(TEAMS))
            elif change == 5:
                app.score_backlog_item(actor, i, rice=RiceInputs(10, 1, 0.5, rnd.choice(EFFORTS)))
            elif change == 6:
                wsjf = WsjfInputs(3, 2, 1, rnd.choice(JOB_SIZES))
                app.score_backlog_item(actor, i, wsjf=wsjf)
            elif change == 7:
                app.justify_non_strategic(actor, i, "compliance")
            elif o in objectives[:3] or rnd.random() < 0.7:  # the first three stay active
                app.activate_objective(actor, o)
            else:
                app.close_objective(actor, o)


def assert_tallies_equal_a_fresh_computation(url: str) -> tuple[int, int]:
    """Every team and cycle's coverage, both ways; how many items the comparisons covered, and
    how many of them were linked."""

    async def compare() -> tuple[int, int]:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
        try:
            measured = linked = 0
            for team in [*TEAMS, "nobody"]:
                for cycle in CYCLES:
                    kept, fresh = await both_coverages(pool, WORKSPACE, team, cycle)
                    assert kept == fresh, (team, cycle)
                    measured += fresh.items
                    linked += fresh.linked.items
            return measured, linked
        finally:
            await pool.close()

    return asyncio.run(compare())


def test_coverage_tallies_equal_a_fresh_computation_after_random_changes(app_and_url):
    app, url = app_and_url
    actor = Actor(WORKSPACE, "alice")
    rnd = random.Random(11)
    objectives = []
    for k in range(6):
        o = app.create_objective(actor, CYCLES[k % 3], f"objective {k}", team=TEAMS[k % 3] or None)
        app.add_key_result(actor, o.aggregate_id, "metric", 0, 10)
        if k != 5:  # one stays a draft until the random changes activate it
            app.activate_objective(actor, o.aggregate_id)
        objectives.append(o.aggregate_id)
    items = [
        app.create_backlog_item(actor, f"item {k}", team=TEAMS[k % 3] or None).aggregate_id
        for k in range(40)
    ]
    with running_projections(url):
        random_changes(app, actor, rnd, items, objectives, 300)
        wait_caught_up(url)
        assert min(assert_tallies_equal_a_fresh_computation(url)) > 0
        random_changes(app, actor, rnd, items, objectives, 300)  # from tallies already kept
        wait_caught_up(url)
        assert min(assert_tallies_equal_a_fresh_computation(url)) > 0
    with psycopg.connect(url) as conn:  # nothing left that counts nothing
        assert not conn.execute("SELECT 1 FROM coverage_classes WHERE items <= 0").fetchone()
        assert not conn.execute("SELECT 1 FROM coverage_objectives WHERE items <= 0").fetchone()


def test_a_catalog_made_before_the_tallies_counts_them_when_its_projection_starts(app_and_url):
    """A catalog whose tallies are missing (made by code without them): counted when the
    projection starts leading, then kept as any other."""
    app, url = app_and_url
    actor = Actor(WORKSPACE, "alice")
    rnd = random.Random(7)
    o = app.create_objective(actor, "2026-Q3", "objective", team="red").aggregate_id
    app.add_key_result(actor, o, "metric", 0, 10)
    app.activate_objective(actor, o)
    items = [app.create_backlog_item(actor, f"i{k}", team="red").aggregate_id for k in range(12)]
    random_changes(app, actor, rnd, items, [o], 60)
    project_until_caught_up(url)
    with psycopg.connect(url) as conn:  # as the catalog of older code: no tallies
        conn.execute("DELETE FROM coverage_classes")
        conn.execute("DELETE FROM coverage_objectives")
    random_changes(app, actor, rnd, items, [o], 60)  # while no projection runs: then counted
    project_until_caught_up(url)
    assert min(assert_tallies_equal_a_fresh_computation(url)) > 0
