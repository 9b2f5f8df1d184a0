"""MaxDiff mathematics: design balance, recovery of known utilities, and real survey data."""

from __future__ import annotations

import csv
import time
from collections import defaultdict

import numpy as np
import pytest
from scipy.stats import spearmanr

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.maxdiff import (
    Response,
    analyse,
    balance,
    fit_individual,
    fit_mnl,
    generate_design,
    individual_utilities,
    validate_response,
)
from tests.support.maxdiff_data import DATA
from tests.support.maxdiff_simulation import simulate, simulate_heterogeneous


def test_design_is_balanced():
    design = generate_design(12, set_size=4, appearances=3, versions=5, seed=3)
    for sets in design.versions:
        assert len(sets) == 9 and all(len(set(s)) == 4 for s in sets)
    figures = balance(design)
    assert figures["item_frequency_spread"] <= 1
    assert figures["pair_cooccurrence_spread"] <= 2
    assert design.versions[0] != design.versions[1]  # a different version per participant


def test_a_thousand_versions_are_fast_balanced_and_different():
    started = time.perf_counter()
    design = generate_design(20, set_size=4, appearances=3, versions=1000, seed=7)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0  # about 0.1 s; was 24–35 s when every version was built from scratch
    assert len(design.versions) == 1000 and all(len(sets) == 15 for sets in design.versions)
    figures = balance(design)
    # Within every version: each item exactly 3 times; each pair together 0 or 1 times.
    assert figures["item_frequency_spread"] == 0
    assert figures["pair_cooccurrence_spread"] <= 1
    # Across versions: every item shown equally often, pairs even to within a few percent.
    assert figures["pooled_item_frequency_spread"] == 0
    assert figures["pooled_pair_cooccurrence_cv"] < 0.06
    assert len({tuple(sorted(sets)) for sets in design.versions}) == 1000
    # Positions inside sets are shuffled: every item leads a set about equally often.
    first = np.bincount([s[0] for sets in design.versions for s in sets], minlength=20)
    assert first.min() > 0.8 * first.mean()


def test_designs_are_deterministic_given_the_seed():
    assert generate_design(12, versions=20, seed=1) == generate_design(12, versions=20, seed=1)
    assert generate_design(12, versions=20, seed=1) != generate_design(12, versions=20, seed=2)


@pytest.mark.parametrize(
    ("n", "size", "appearances", "freq_spread", "pair_spread"),
    [(7, 4, 4, 0, 0), (12, 4, 3, 0, 1), (21, 4, 3, 1, 1), (30, 5, 3, 0, 1), (13, 3, 3, 0, 1)],
)
def test_balance_across_shapes(n, size, appearances, freq_spread, pair_spread):
    design = generate_design(n, size, appearances, versions=200, seed=4)
    figures = balance(design)
    assert figures["item_frequency_spread"] <= freq_spread
    assert figures["pair_cooccurrence_spread"] <= pair_spread
    # Extra appearances (when n·appearances is not a multiple of the set size) rotate over items.
    assert figures["pooled_item_frequency_spread"] <= 0.01


@pytest.mark.parametrize(("n", "size"), [(2, 3), (10, 6), (4, 5)])
def test_impossible_designs_are_refused(n, size):
    with pytest.raises(ValidationError):
        generate_design(n, set_size=size)


def test_bad_responses_are_refused():
    with pytest.raises(ValidationError, match="differ"):
        validate_response(Response("r", (0, 1, 2), 1, 1), 3)
    with pytest.raises(ValidationError, match="best"):
        validate_response(Response("r", (0, 1, 2), 5, 1), 6)
    with pytest.raises(ValidationError, match="twice"):
        validate_response(Response("r", (0, 1, 1), 0, 1), 3)


def test_estimates_recover_known_utilities():
    true = np.linspace(-2, 2, 12)
    results = analyse(simulate(true, 200, seed=11), 12)
    utilities = [r.utility for r in results]
    assert spearmanr(utilities, true).statistic > 0.9
    assert spearmanr([r.analytical_utility for r in results], true).statistic > 0.9
    assert abs(sum(utilities)) < 1e-9 and abs(sum(r.share for r in results) - 100) < 1e-9
    assert sorted(r.rank for r in results) == list(range(1, 13))
    assert results[int(np.argmax(true))].rank == 1
    assert all(0 < r.standard_error < 1 for r in results)


def mean_correlation(estimates: dict[str, np.ndarray], truth: dict[str, np.ndarray]) -> float:
    return float(np.mean([np.corrcoef(estimates[k], truth[k])[0, 1] for k in truth]))


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


def load_vdata() -> tuple[list[Response], list[str]]:
    sets: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: {"shown": []})
    with open(DATA / "issues-survey-vdata.csv") as f:
        for row in csv.DictReader(f):
            entry = sets[(row["id"], row["block"])]
            entry["shown"].append(row["issue"])
            if float(row["value"]) == 1:
                entry["best"] = row["issue"]
            elif float(row["value"]) == -1:
                entry["worst"] = row["issue"]
    items = sorted({i for e in sets.values() for i in e["shown"]})
    index = {name: n for n, name in enumerate(items)}
    responses = [
        Response(rid, tuple(index[i] for i in e["shown"]), index[e["best"]], index[e["worst"]])
        for (rid, _), e in sets.items()
    ]
    return responses, items


def test_real_survey_issues_vdata():
    responses, items = load_vdata()
    assert len(items) == 13 and len(responses) == 350 * 13
    results = analyse(responses, len(items))
    assert all(r.shown == 4 * 350 for r in results)
    assert sum(r.best for r in results) == sum(r.worst for r in results) == 350 * 13
    counting = [r.counting_score for r in results]
    assert spearmanr([r.utility for r in results], counting).statistic > 0.95
    assert spearmanr([r.analytical_utility for r in results], counting).statistic > 0.95
    top = min(results, key=lambda r: r.rank)
    assert top.counting_score == max(counting)


def test_real_survey_fruit():
    names = ["Apple", "Orange", "Grapes", "Banana", "Peach", "Melon", "Pear"]
    with open(DATA / "fruit-design.csv") as f:
        design = [tuple(int(v) - 1 for v in row.values()) for row in csv.DictReader(f)]
    responses = []
    with open(DATA / "fruit-responses.csv") as f:
        for row in csv.DictReader(f):
            for q, shown in enumerate(design, start=1):
                best = shown[int(row[f"B{q}"]) - 1]
                worst = shown[int(row[f"W{q}"]) - 1]
                responses.append(Response(row["ID"], shown, best, worst))
    results = analyse(responses, len(names))
    assert len(responses) == 100 * 7 and all(r.shown == 400 for r in results)
    counting = [r.counting_score for r in results]
    assert spearmanr([r.utility for r in results], counting).statistic > 0.95
