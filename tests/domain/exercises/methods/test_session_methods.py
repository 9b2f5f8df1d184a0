"""RICE sessions, MoSCoW and Buy a Feature: aggregation rules and refusals."""

from __future__ import annotations

import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.methods import buy_a_feature, moscow, rice_session
from okrank.domain.rankings.scoring import RiceInputs


def test_rice_session_takes_medians_and_shows_disagreement():
    estimates = [
        rice_session.Estimate("ann", "a", RiceInputs(100, 2, 0.8, 2)),
        rice_session.Estimate("bob", "a", RiceInputs(300, 1, 0.5, 4)),
        rice_session.Estimate("cid", "a", RiceInputs(200, 3, 1.0, 1)),
        rice_session.Estimate("ann", "b", RiceInputs(50, 1, 1, 1)),
        rice_session.Estimate("bob", "b", RiceInputs(50, 1, 1, 1)),
    ]
    a, b = rice_session.results(estimates, ["a", "b"])
    assert a.item == "a" and a.median == RiceInputs(200, 2, 0.8, 2)
    assert a.score == pytest.approx(160.0) and a.rank == 1 and a.participants == 3
    assert a.spread_iqr > 0 and a.spread_cv > 0.5  # 80, 37.5 and 600: they disagree
    assert (b.score, b.spread_iqr, b.spread_cv, b.rank) == (50.0, 0.0, 0.0, 2)


def test_rice_session_refuses_bad_estimates():
    with pytest.raises(ValidationError) as exc:
        rice_session.results([rice_session.Estimate("a", "x", RiceInputs(1, 4, 1, 1))], ["x"])
    assert exc.value.path == ["estimates", "0", "impact"]
    with pytest.raises(ValidationError, match="not a candidate"):
        rice_session.results([rice_session.Estimate("a", "y", RiceInputs(1, 1, 1, 1))], ["x"])


def test_moscow_consensus_ties_go_to_the_stricter_category():
    votes = [
        moscow.Vote("ann", "a", "MUST"),
        moscow.Vote("bob", "a", "COULD"),
        moscow.Vote("ann", "b", "SHOULD"),
        moscow.Vote("bob", "b", "SHOULD"),
        moscow.Vote("ann", "c", "WONT"),
        moscow.Vote("bob", "c", "WONT"),
    ]
    a, b, c = sorted(moscow.results(votes, ["a", "b", "c"]), key=lambda r: r.item)
    assert a.consensus == moscow.Category.MUST and a.score == 2.0
    assert b.consensus == moscow.Category.SHOULD and b.score == 2.0
    assert (c.consensus, c.score, c.rank) == (moscow.Category.WONT, 0.0, 3)
    assert a.rank == 1 and b.rank == 2  # same score: more Musts first
    with pytest.raises(ValidationError, match="MUST, SHOULD"):
        moscow.results([moscow.Vote("ann", "a", "MAYBE")], ["a"])


def test_buy_a_feature_pools_money_and_reports_unspent():
    prices = {"a": 100.0, "b": 60.0, "c": 40.0}
    budget = buy_a_feature.default_budget(prices, 2)
    assert budget == 40.0  # 40% of 200 between two
    budgets = {"ann": budget, "bob": budget}
    allocations = [
        buy_a_feature.Allocation("ann", "c", 25),
        buy_a_feature.Allocation("bob", "c", 15),
        buy_a_feature.Allocation("ann", "a", 15),
        buy_a_feature.Allocation("bob", "b", 25),
    ]
    rows, unspent = buy_a_feature.results(allocations, prices, budgets)
    by_item = {r.item: r for r in rows}
    assert by_item["c"].bought and by_item["c"].backers == 2 and by_item["c"].rank == 1
    assert not by_item["a"].bought and by_item["a"].funded_share == pytest.approx(0.15)
    assert by_item["b"].funded_share == pytest.approx(25 / 60) and by_item["b"].rank == 2
    assert unspent == 40.0  # money on a and b, which were not bought


def test_buy_a_feature_refuses_overspending():
    with pytest.raises(ValidationError, match="over budget"):
        buy_a_feature.results(
            [buy_a_feature.Allocation("ann", "a", 30), buy_a_feature.Allocation("ann", "b", 20)],
            {"a": 50.0, "b": 50.0},
            {"ann": 40.0},
        )
    with pytest.raises(ValidationError, match="zero or more"):
        buy_a_feature.results([buy_a_feature.Allocation("ann", "a", -1)], {"a": 5.0}, {"ann": 4.0})


def test_buy_a_feature_excess_is_reported_and_returned_to_backers_pro_rata():
    """Was counted as spent and shown nowhere: 114 pooled on a price of 100 lost the 14."""
    prices = {"a": 100.0, "b": 50.0}
    allocations = [
        buy_a_feature.Allocation("ann", "a", 60),
        buy_a_feature.Allocation("bob", "a", 54),
        buy_a_feature.Allocation("bob", "b", 10),
    ]
    rows, unspent = buy_a_feature.results(allocations, prices, {"ann": 60, "bob": 64})
    a = next(r for r in rows if r.item == "a")
    assert a.bought and a.excess == pytest.approx(14)
    assert dict(a.refunds) == pytest.approx({"ann": 14 * 60 / 114, "bob": 14 * 54 / 114})
    b = next(r for r in rows if r.item == "b")
    assert b.excess == 0 and b.refunds == () and unspent == 10
