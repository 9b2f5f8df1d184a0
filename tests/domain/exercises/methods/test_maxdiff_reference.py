"""MaxDiff estimates against an independent implementation: R's survival::clogit on the maxdiff
pair expansion and bwsTools' closed form, computed by reference/maxdiff_clogit.R (its output is
committed beside it), on every public survey in the repository and on 5-respondent subsets."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from okrank.domain.exercises.methods.maxdiff_aggregate import Estimator, fit_aggregate
from okrank.domain.exercises.methods.maxdiff_analysis import analyse, counts
from okrank.domain.exercises.methods.maxdiff_closed_form import closed_form
from okrank.domain.exercises.methods.maxdiff_csv import parse_responses_csv
from okrank.domain.exercises.methods.maxdiff_response import Response
from tests.support.maxdiff_data import FRUIT, fruit_csv, to_responses, vdata_csv

REFERENCE = Path(__file__).parent / "reference"


def survey(name: str) -> tuple[list[Response], list[str]]:
    """A survey's responses (item indices in the order R used) and its item names."""
    if name.startswith("vdata"):
        text, items = vdata_csv()
        imported = parse_responses_csv(text, {i: i for i in items})
    else:
        text, _ = fruit_csv()
        items = FRUIT
        imported = parse_responses_csv(text, {i: i for i in items})
    responses = to_responses(imported, items)
    if name.endswith("-5"):
        first = list(dict.fromkeys(r.respondent for r in responses))[:5]
        responses = [r for r in responses if r.respondent in first]
    return responses, items


def reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / f"{name}.csv") as f:
        return list(csv.DictReader(f))


SURVEYS = ["vdata", "vdata-5", "fruit", "fruit-5"]


@pytest.mark.parametrize("name", SURVEYS)
def test_maximum_likelihood_equals_r_clogit_to_1e_6(name):
    """Was off by up to 5e-4 (L-BFGS-B stopping at a gradient of ~0.016, plus a ridge)."""
    responses, items = survey(name)
    expected = reference(name)
    assert [row["item"] for row in expected] == list(items)
    fit = fit_aggregate(responses, len(items))
    assert fit.estimator == Estimator.MAXIMUM_LIKELIHOOD and fit.separated == []
    assert fit.reference == len(items) - 1  # R's base: the last item
    np.testing.assert_allclose(
        fit.reference_utilities, [float(r["utility"]) for r in expected], rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(
        fit.reference_standard_errors,
        [float(r["standard_error"]) for r in expected],
        rtol=0,
        atol=1e-6,
    )
    assert fit.log_likelihood == pytest.approx(float(expected[0]["log_likelihood"]), abs=1e-6)
    assert fit.score_norm < 1e-9  # the true maximum, not a point near it


@pytest.mark.parametrize("name", SURVEYS)
def test_closed_form_equals_bwstools_formula_to_1e_6(name):
    """Was ln((n + b − w + ½)/(n − b + w + ½)), centred: not the published closed form."""
    responses, items = survey(name)
    expected = reference(f"{name}-closed-form")
    shown, best, worst = counts(responses, len(items))
    assert shown.tolist() == [int(r["shown"]) for r in expected]
    assert best.tolist() == [int(r["best"]) for r in expected]
    assert worst.tolist() == [int(r["worst"]) for r in expected]
    closed = closed_form(shown, best, worst)
    for ours, column in [
        (closed.utility, "b"),
        (closed.standard_error, "se"),
        (closed.choice_share, "choice_p"),
    ]:
        np.testing.assert_allclose(ours, [float(r[column]) for r in expected], rtol=0, atol=1e-6)
    assert not closed.corrected.any()
    by_item = {r.item: r for r in analyse(responses, len(items))}
    assert by_item[0].analytical_utility == pytest.approx(float(expected[0]["b"]), abs=1e-12)


def test_closed_form_corrects_only_items_at_zero_or_n_and_flags_them():
    shown = np.array([10, 10, 10, 10])
    best = np.array([10, 0, 3, 0])
    worst = np.array([0, 10, 3, 0])
    closed = closed_form(shown, best, worst)
    assert closed.corrected.tolist() == [True, True, False, False]
    # p = (20 + ½) / 21 for the first, (0 + ½) / 21 for the second; the others exactly p = ½.
    assert closed.utility[0] == pytest.approx(np.log(20.5 / 0.5))
    assert closed.utility[1] == pytest.approx(-np.log(20.5 / 0.5))
    assert closed.utility[2] == closed.utility[3] == 0.0
    assert closed.standard_error[2] == pytest.approx(np.sqrt(0.25 / 20) / 0.25)
    assert closed.choice_share.sum() == pytest.approx(1.0)


def test_both_standard_error_codings_describe_the_same_fit():
    """Centred utilities' errors and reference-coded ones (R/Sawtooth) differ; both offered."""
    responses, items = survey("fruit")
    fit = fit_aggregate(responses, len(items))
    np.testing.assert_allclose(
        fit.utilities - fit.utilities[fit.reference], fit.reference_utilities, atol=1e-12
    )
    assert fit.utilities.sum() == pytest.approx(0.0, abs=1e-12)
    assert fit.reference_standard_errors[fit.reference] == 0.0
    # Centred errors are smaller: the reference item's own noise is spread over all items.
    assert (fit.standard_errors[:-1] < fit.reference_standard_errors[:-1]).all()
    results = analyse(responses, len(items))
    assert [r.reference_standard_error for r in results] == pytest.approx(
        fit.reference_standard_errors.tolist()
    )


def test_closed_form_on_vdata_agrees_with_what_the_bwstools_vignette_publishes():
    """bwsTools' vignette "Calculating Aggregate Scores" states, for `vdata`, that abortion was
    chosen best 302 times and worst 352 times, that healthcare and economy come first and that
    drugs, foreign affairs and bias in the media are the least important. Its table of ae_mnl
    figures is rendered when the vignette is built and is not in the package's source, this
    repository or the public survey files, so the figures above are compared, to 1e-6, with the
    bwsTools formula run in R (reference/maxdiff_clogit.R) instead."""
    responses, items = survey("vdata")
    shown, best, worst = counts(responses, len(items))
    at = items.index("abortion")
    assert (best[at], worst[at]) == (302, 352)
    order = [items[i] for i in np.argsort(-closed_form(shown, best, worst).utility)]
    assert order[:2] == ["healthcare", "economy"]
    assert set(order[-3:]) == {"drugs", "foreignaffairs", "biasmedia"}
