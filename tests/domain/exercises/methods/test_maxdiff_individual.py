"""Individual (empirical-Bayes) MaxDiff utilities: better than the aggregate for heterogeneous
respondents, shrunk to the population without heterogeneity."""

from __future__ import annotations

import numpy as np

from okrank.domain.exercises.methods.maxdiff_aggregate import fit_mnl
from okrank.domain.exercises.methods.maxdiff_individual import fit_individual, individual_utilities
from okrank.domain.exercises.methods.maxdiff_response import Response
from tests.support.maxdiff_simulation import (
    mean_correlation,
    simulate_heterogeneous,
)


def test_individual_utilities_beat_the_aggregate_for_heterogeneous_respondents():
    responses, truth = simulate_heterogeneous(300, spread=1.5, seed=21)
    individual = individual_utilities(responses, 20)
    aggregate, _ = fit_mnl(responses, 20)
    assert set(individual) == set(truth)
    assert all(abs(u.sum()) < 1e-9 for u in individual.values())
    mine = mean_correlation(individual, truth)
    pooled = mean_correlation({k: aggregate for k in truth}, truth)
    assert mine > pooled + 0.1  # about 0.88 against 0.64


def test_the_prior_spread_is_found_and_the_fit_is_deterministic():
    responses, _ = simulate_heterogeneous(300, spread=1.0, seed=24)
    fit = fit_individual(responses, 20)
    assert 0.8 < fit.prior_sd < 1.2  # about 0.92: importance sampling, not plain Laplace (0.6)
    again = fit_individual(responses, 20)
    assert all(np.array_equal(fit.utilities[k], again.utilities[k]) for k in fit.utilities)


def test_individual_utilities_shrink_to_the_population_without_heterogeneity():
    responses, truth = simulate_heterogeneous(200, spread=0.0, seed=22)
    fit = fit_individual(responses, 20)
    aggregate, _ = fit_mnl(responses, 20)
    assert (
        fit.prior_sd < 0.4
    )  # little spread found (about 0.2), so estimates stay near the population
    assert mean_correlation(fit.utilities, truth) > 0.98
    assert np.corrcoef(fit.population, aggregate)[0, 1] > 0.99


def test_one_respondent_with_no_signal_stays_at_the_population():
    responses, _ = simulate_heterogeneous(100, spread=1.0, seed=23)
    responses.append(Response("newcomer", (0, 1, 2, 3), 0, 3))
    fit = fit_individual(responses, 20)
    newcomer = fit.utilities["newcomer"]
    untouched = list(range(4, 20))  # not shown to the newcomer
    assert np.allclose(
        newcomer[untouched] - newcomer[untouched].mean(),
        fit.population[untouched] - fit.population[untouched].mean(),
        atol=0.1,
    )
    assert newcomer[0] - newcomer[3] > fit.population[0] - fit.population[3]


def test_individual_utilities_of_nobody():
    assert individual_utilities([], 5) == {}
