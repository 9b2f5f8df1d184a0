"""Agreement between segments or methods, and the capacity plan."""

from __future__ import annotations

import warnings

import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods.agreement import kendall_w, pairwise, spearman
from okrank.domain.plan.capacity import plan


def test_agreement_measures():
    sales = {"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.0}
    support = {"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.0}
    customers = {"a": 0.0, "b": 1.0, "c": 2.0, "d": 3.0}
    assert spearman(sales, support) == pytest.approx(1.0)
    assert spearman(sales, customers) == pytest.approx(-1.0)
    assert kendall_w([sales, support]) == pytest.approx(1.0)
    assert kendall_w([sales, customers]) == pytest.approx(0.0)
    assert 0 < kendall_w([sales, support, customers]) < 1
    assert set(pairwise({"sales": sales, "support": support, "customers": customers})) == {
        ("customers", "sales"),
        ("customers", "support"),
        ("sales", "support"),
    }
    assert spearman({"a": 1.0}, {"a": 2.0}) is None


def test_a_group_that_scores_every_item_alike_has_no_rank_correlation_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy's ConstantInputWarning would fail the test
        assert spearman({"a": 1.0, "b": 1.0}, {"a": 1.0, "b": 2.0}) is None
        assert spearman({"a": 3.0, "b": 1.0}, {"a": 2.0, "b": 2.0}) is None


def test_plan_counts_a_cross_objective_item_once():
    rankings = {
        "growth": [("x", 3.0), ("y", 4.0), ("z", 2.0)],
        "retention": [("x", 3.0), ("w", 2.0), ("v", None)],
    }
    result = plan(10, {"growth": 0.6, "retention": 0.4}, rankings)
    growth, retention = result.objectives
    assert (growth.objective, growth.accepted, growth.used, growth.left) == (
        "growth",
        ["x", "z"],
        5.0,
        1.0,
    )
    assert retention.accepted == ["w"] and result.accepted_by["x"] == "growth"
    assert result.did_not_fit == [("growth", "y")]
    assert result.not_estimated == ["v"]


@pytest.mark.parametrize(
    ("capacity", "allocations"),
    [(0, {"a": 1.0}), (10, {"a": 0.7, "b": 0.5}), (10, {"a": 1.2}), (10, {"zz": 0.5})],
)
def test_plan_refuses_bad_input(capacity, allocations):
    with pytest.raises(ValidationError):
        plan(capacity, allocations, {"a": [], "b": []})
