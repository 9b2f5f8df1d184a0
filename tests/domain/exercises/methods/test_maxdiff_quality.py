"""Response quality: RLH separates respondents who follow the model from random ones, and
straightliners (best always in the same position) are flagged."""

from __future__ import annotations

import numpy as np

from okrank.domain.exercises.methods.maxdiff_individual import fit_individual
from okrank.domain.exercises.methods.maxdiff_quality import respondent_quality
from okrank.domain.exercises.methods.maxdiff_response import Response
from tests.support.maxdiff_simulation import simulate_heterogeneous


def test_rlh_separates_random_respondents_from_model_followers():
    followers, _ = simulate_heterogeneous(100, spread=0.5, seed=41)
    rng = np.random.default_rng(42)
    sets = [r.shown for r in followers if r.respondent == "0"]
    noise = []
    for n in range(20):
        for s in sets:
            best, worst = (int(i) for i in rng.choice(s, 2, replace=False))
            noise.append(Response(f"random{n}", s, best, worst))
    responses = followers + noise
    fit = fit_individual(responses, 20)
    quality = respondent_quality(responses, 20, fit.utilities, fit.aggregate)
    chance = 1 / 12  # sets of 4: 12 ordered best–worst pairs
    assert all(abs(q.chance_rlh - chance) < 1e-12 for q in quality.values())
    flagged = {k for k, q in quality.items() if q.no_better_than_chance}
    randoms = {f"random{n}" for n in range(20)}
    assert len(flagged & randoms) >= 16  # most random respondents are caught …
    assert len(flagged - randoms) <= 3  # … and few model followers
    follower_rlh = np.mean([quality[str(n)].aggregate_rlh for n in range(100)])
    random_rlh = np.mean([quality[k].aggregate_rlh for k in randoms])
    assert follower_rlh > 1.5 * chance and random_rlh < chance  # about 0.16 and 0.05
    assert all(q.rlh >= q.aggregate_rlh * 0.8 for q in quality.values())


def test_straightliners_are_flagged():
    followers, _ = simulate_heterogeneous(20, spread=0.0, seed=43)
    sets = [r.shown for r in followers if r.respondent == "0"]
    lazy = [Response("lazy", s, s[0], s[-1]) for s in sets]
    responses = followers + lazy
    fit = fit_individual(responses, 20)
    quality = respondent_quality(responses, 20, fit.utilities, fit.aggregate)
    assert quality["lazy"].straightliner
    assert sum(q.straightliner for q in quality.values()) == 1


def test_respondents_faster_than_a_third_of_the_median_are_speeders():
    followers, _ = simulate_heterogeneous(20, spread=0.0, seed=44)
    fit = fit_individual(followers, 20)
    durations = {str(n): 300.0 + n for n in range(20)}  # median about 310 s
    durations["3"], durations["4"] = 99.0, 110.0  # below / above a third of the median
    del durations["5"]  # no duration known: never flagged
    quality = respondent_quality(followers, 20, fit.utilities, fit.aggregate, durations)
    assert {k for k, q in quality.items() if q.speeder} == {"3"}
    assert quality["4"].duration == 110.0 and quality["5"].duration is None


def test_too_few_durations_flag_no_speeder():
    followers, _ = simulate_heterogeneous(20, spread=0.0, seed=45)
    fit = fit_individual(followers, 20)
    durations = {"0": 10.0, "1": 300.0, "2": 300.0, "3": 300.0}
    quality = respondent_quality(followers, 20, fit.utilities, fit.aggregate, durations)
    assert not any(q.speeder for q in quality.values())
