"""A RICE session and a buy-a-feature exercise end to end through GraphQL over HTTP: medians and
spread, ranks; budgets, pooled money, what is bought and what is left unspent."""

from __future__ import annotations

import pytest

from tests.support.exercises import PARTICIPATION, RESULTS, close, open_, setup, stakeholders, vote


def test_rice_session_medians_spread_and_rank(gql, client_factory):
    _, items, ex = setup(gql, "RICE_SESSION", ["Import", "Export"])
    imp, exp = (i["id"] for i in items)
    people = stakeholders(gql, client_factory, ex, {"a": "Sales", "b": "Sales", "c": "Support"})
    open_(gql, ex)
    estimates = {
        "a": {imp: (100, 2, 0.8, 2), exp: (50, 1, 0.5, 1)},
        "b": {imp: (300, 1, 1.0, 4), exp: (60, 1, 0.5, 1)},
        "c": {imp: (200, 3, 0.5, 3)},  # skips Export: a ballot may be partial
    }
    for subject, per_item in estimates.items():
        payload = [
            dict(
                zip(
                    ("backlogItemId", "reach", "impact", "confidence", "effort"),
                    (i, *v),
                    strict=True,
                )
            )
            for i, v in per_item.items()
        ]
        r = vote(people[subject], ex, estimates=payload)
        assert r["__typename"] == "ExerciseSuccess", r
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    first, second = result["items"]
    assert first["backlogItem"]["id"] == imp
    assert first["riceSession"] == {
        "participants": 3,
        "reach": 200,
        "impact": 2,
        "confidence": 0.8,
        "effort": 3,
        "spreadIqr": pytest.approx(first["riceSession"]["spreadIqr"]),
        "spreadCv": pytest.approx(first["riceSession"]["spreadCv"]),
    }
    assert first["score"] == pytest.approx(200 * 2 * 0.8 / 3)
    assert first["riceSession"]["spreadIqr"] > 0
    assert second["riceSession"]["participants"] == 2 and second["score"] == pytest.approx(27.5)


def test_buy_a_feature_budgets_pooling_and_unspent_money(gql, client_factory):
    _, items, ex = setup(gql, "BUY_A_FEATURE", ["Big", "Mid", "Small"], prices=[100, 60, 40])
    big, mid, small = (i["id"] for i in items)
    people = stakeholders(gql, client_factory, ex, {"a": None, "b": None})
    open_(gql, ex)
    budget = people["a"].execute(PARTICIPATION, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert budget["budget"] == 40  # 40% of the 200 on offer, split between two participants

    over = vote(people["a"], ex, allocations=[{"backlogItemId": mid, "amount": 41}])
    assert over["__typename"] == "ValidationError" and "over budget" in over["message"]
    assert over["path"] == ["input", "ballot", "allocations", "0", "amount"]
    spend = [{"backlogItemId": small, "amount": 25}, {"backlogItemId": big, "amount": 15}]
    assert vote(people["a"], ex, allocations=spend)["__typename"] == "ExerciseSuccess"
    spend_b = [{"backlogItemId": small, "amount": 20}, {"backlogItemId": mid, "amount": 15}]
    assert vote(people["b"], ex, allocations=spend_b)["__typename"] == "ExerciseSuccess"
    # While open, participants see the pooled totals (not who gave what), so they can move money.
    pooled_query = (
        "query($id: ID!) { exercise(id: $id) { myParticipation {"
        " pooled { backlogItemId amount } } } }"
    )
    seen = people["a"].execute(pooled_query, {"id": ex["id"]})["exercise"]["myParticipation"]
    assert {p["backlogItemId"]: p["amount"] for p in seen["pooled"]} == {
        small: 45,
        big: 15,
        mid: 15,
    }
    close(gql, ex)
    result = gql.execute(RESULTS, {"id": ex["id"]})["exercise"]["results"]
    by_id = {r["backlogItem"]["id"]: r for r in result["items"]}
    assert by_id[small]["buyAFeature"] == {
        "price": 40,
        "pooled": 45,
        "fundedShare": 1,
        "bought": True,
        "backers": 2,
        "excess": 5,  # pooled beyond the price: reported, returned to its backers
    }
    assert by_id[small]["rank"] == 1 and not by_id[mid]["buyAFeature"]["bought"]
    assert by_id[mid]["buyAFeature"]["excess"] == 0
    assert result["budgetTotal"] == 80 and result["spent"] == 75
    assert result["unspentOnItemsNotBought"] == 30  # 15 on Mid + 15 on Big
    assert result["excessReturned"] == 5
