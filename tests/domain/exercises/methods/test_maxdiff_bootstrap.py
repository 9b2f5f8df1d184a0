"""How sure is a MaxDiff ranking: seeded bootstrap intervals over respondents that cover the
truth at their nominal rate, order probabilities for adjacent items, and a plain-words summary."""

from __future__ import annotations

import functools

import numpy as np

from okrank.domain.exercises.methods.maxdiff_aggregate import fit_aggregate
from okrank.domain.exercises.methods.maxdiff_bootstrap import bootstrap, plain_words
from okrank.domain.exercises.methods.maxdiff_design import generate_design
from okrank.domain.exercises.methods.maxdiff_response import Response
from tests.support.maxdiff_simulation import answer


@functools.cache
def design(n_items: int, respondents: int) -> list[list[tuple[int, ...]]]:
    return generate_design(n_items, 4, 3, versions=respondents, seed=1).versions


def simulate(rng: np.random.Generator, true: np.ndarray, respondents: int) -> list[Response]:
    versions = design(len(true), respondents)
    return [answer(rng, true, str(r), s) for r, sets in enumerate(versions) for s in sets]


def fitted(responses: list[Response], n: int, seed: int = 0):
    fit = fit_aggregate(responses, n)
    order = [int(i) for i in np.argsort(-fit.utilities)]
    return fit, order, bootstrap(responses, n, fit.utilities, order, seed=seed)


def test_95_percent_intervals_cover_the_truth_about_95_percent_of_the_time():
    """100 seeded surveys of 60 respondents × 6 sets of 4 from 8 items: 800 intervals."""
    true = np.linspace(-1, 1, 8)
    true -= true.mean()
    hits = []
    for replication in range(100):
        responses = simulate(np.random.default_rng(replication), true, 60)
        _, _, sure = fitted(responses, 8, seed=replication)
        hits += [
            sure.items[i].utility_interval[0] <= true[i] <= sure.items[i].utility_interval[1]
            for i in range(8)
        ]
    assert 0.93 <= np.mean(hits) <= 0.97


def test_the_bootstrap_is_reproducible_and_orders_what_it_can():
    true = np.array([2.0, 1.9, 0.0, -0.1, -2.0, -2.1])
    responses = simulate(np.random.default_rng(5), true, 80)
    fit, order, sure = fitted(responses, 6)
    assert sure == fitted(responses, 6)[2]  # seeded: the same every time
    assert sure.replicates == 200
    by_rank = [sure.items[i] for i in order]
    # The three tiers separate clearly; inside a tier the order is a coin toss.
    assert by_rank[1].ahead_of_next >= 0.95 and by_rank[3].ahead_of_next >= 0.95
    assert by_rank[0].ahead_of_next < 0.95 and by_rank[0].respondents_to_separate > 80
    assert by_rank[1].respondents_to_separate is None and by_rank[-1].ahead_of_next is None
    assert by_rank[0].rank_interval == (1, 2) and by_rank[2].rank_interval == (3, 4)
    for i in order:
        lo, hi = sure.items[i].utility_interval
        assert lo <= fit.utilities[i] <= hi
    assert sure.summary == (
        "With 80 respondents: ranks 1–2 cannot be told apart; ranks 3–4 cannot be told apart; "
        "ranks 5–6 cannot be told apart."
    )


def test_plain_words():
    assert plain_words([0.99, 0.6, 0.7, 0.97], 40) == (
        "With 40 respondents: rank 1 is clearly ahead of the rest; ranks 2–4 cannot be told "
        "apart; rank 5 is clearly behind the rest."
    )
    assert plain_words([0.5, 0.6], 1) == (
        "With 1 respondent: no item is clearly ahead of the next (ranks 1–3 overlap)."
    )


def test_one_respondent_gives_no_intervals_and_says_it_is_too_few_to_tell():
    """Resampling one respondent draws the same answers every time: the intervals would be
    points and every order would "clearly hold"."""
    true = np.array([2.0, 1.0, 0.0, -1.0, -2.0])
    responses = [r for r in simulate(np.random.default_rng(3), true, 4) if r.respondent == "0"]
    _, order, sure = fitted(responses, 5)
    assert set(sure.items) == set(order)
    for c in sure.items.values():
        assert (c.utility_interval, c.share_interval, c.rank_interval) == (None, None, None)
        assert (c.ahead_of_next, c.respondents_to_separate) == (None, None)
    assert sure.summary == (
        "With 1 respondent: too few to say how sure the order is (resampling respondents needs "
        "at least 2)."
    )
