"""Eligibility has one rule (domain.rankings.eligibility), and every place that decides it
follows it: the ranking entries' flags and the application's check before planning an item."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.item import ItemStatus
from okrank.domain.errors import ValidationError
from okrank.domain.rankings.eligibility import is_eligible
from okrank.domain.rankings.entries import PRODUCT_SCOPE, ItemFacts, TagFacts, ranking_entries
from okrank.domain.rankings.scoring import Multipliers, Tier


@pytest.mark.parametrize(
    ("justified", "tagged_to_active", "eligible"),
    [
        (False, [], False),
        (False, [False, False], False),
        (False, [False, True], True),
        (True, [], True),
        (True, [False], True),
    ],
)
def test_an_item_is_eligible_when_justified_or_tagged_to_an_active_objective(
    justified, tagged_to_active, eligible
):
    assert is_eligible(justified, tagged_to_active) is eligible


def test_a_justified_item_is_eligible_without_reading_its_tags():
    def tags():
        raise AssertionError("the tags were read")
        yield True

    assert is_eligible(True, tags())


def test_ranking_entries_flag_each_scope_by_the_rule():
    active, closed = uuid4(), uuid4()
    tags = [TagFacts(active, Tier.DIRECT, True), TagFacts(closed, Tier.INDIRECT, False)]
    for justified in (False, True):
        item = ItemFacts(uuid4(), 1, 10.0, None, justified)
        flags = {scope: e.eligible for scope, _, e in ranking_entries(item, tags, Multipliers())}
        assert flags == {
            active: is_eligible(justified, [True]),
            closed: is_eligible(justified, [False]),
            PRODUCT_SCOPE: is_eligible(justified, [True, False]),
        }


def test_the_application_plans_only_eligible_items():
    app = OkrankApplication()
    actor = Actor("w", "po")
    item = app.create_backlog_item(actor, "work").aggregate_id
    objective = app.create_objective(actor, "2026-Q3", "goal").aggregate_id
    app.add_key_result(actor, objective, "m", 0, 1)
    app.tag_backlog_item(actor, item, objective, Tier.DIRECT, "moves it")
    with pytest.raises(ValidationError):  # tagged, but the objective is a DRAFT
        app.change_backlog_item_status(actor, item, ItemStatus.PLANNED)
    app.activate_objective(actor, objective)
    app.change_backlog_item_status(actor, item, ItemStatus.PLANNED)

    other = app.create_backlog_item(actor, "chore").aggregate_id
    app.justify_non_strategic(actor, other, "the licence expires")
    app.change_backlog_item_status(actor, other, ItemStatus.PLANNED)
