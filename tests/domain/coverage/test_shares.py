"""Coverage rules, pure: an item's class for a cycle (by the one eligibility rule), the estimate
that stands for its effort, and shares of items and effort by class and objective."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.coverage.effort import EffortMeasure, Estimate, estimated_effort
from okrank.domain.coverage.shares import (
    CoverageClass,
    Estimates,
    ItemGroup,
    ObjectiveGroup,
    coverage,
    coverage_class,
    strongest_tier,
)
from okrank.domain.rankings.scoring import Tier


def test_an_items_class_is_its_strongest_tag_in_scope_else_its_justification():
    assert strongest_tier(True, True) == Tier.DIRECT
    assert strongest_tier(False, True) == Tier.INDIRECT
    assert strongest_tier(False, False) is None
    assert coverage_class(Tier.DIRECT, False) == CoverageClass.DIRECT
    assert coverage_class(Tier.INDIRECT, True) == CoverageClass.INDIRECT  # linked first
    assert coverage_class(None, True) == CoverageClass.JUSTIFIED
    assert coverage_class(None, False) == CoverageClass.UNJUSTIFIED


def test_rice_effort_stands_for_effort_before_wsjf_job_size():
    assert estimated_effort(3.0, 8) == Estimate(EffortMeasure.RICE_EFFORT, 3.0)
    assert estimated_effort(None, 8) == Estimate(EffortMeasure.WSJF_JOB_SIZE, 8)
    assert estimated_effort(None, None) == Estimate(EffortMeasure.NONE, None)
    both = Estimates(True, True, items=2, rice_effort=5.0, job_size=21.0)
    assert (both.measure, both.effort) == (EffortMeasure.RICE_EFFORT, 5.0)
    assert Estimates(False, False, 3, 0.0, 0.0).effort == 0.0


def test_shares_split_the_whole_once_by_class_and_per_objective_with_zeros_for_nothing():
    a, b, listed = uuid4(), uuid4(), uuid4()
    groups = [
        ItemGroup(True, True, False, Estimates(True, False, 2, 6.0, 0.0)),
        ItemGroup(False, True, False, Estimates(False, True, 1, 0.0, 8.0)),
        ItemGroup(False, False, True, Estimates(False, False, 1, 0.0, 0.0)),
        ItemGroup(False, False, False, Estimates(True, True, 1, 2.0, 13.0)),
    ]
    per_objective = [
        ObjectiveGroup(a, Tier.DIRECT, Estimates(True, False, 2, 6.0, 0.0)),
        ObjectiveGroup(b, Tier.INDIRECT, Estimates(True, False, 1, 4.0, 0.0)),
        ObjectiveGroup(b, Tier.INDIRECT, Estimates(False, True, 1, 0.0, 8.0)),
    ]
    c = coverage(groups, per_objective, [listed, a])
    assert (c.items, c.effort) == (5, 16.0)
    shares = {k: (s.items, s.effort) for k, s in c.by_class.items()}
    assert shares == {
        CoverageClass.DIRECT: (2, 6.0),
        CoverageClass.INDIRECT: (1, 8.0),
        CoverageClass.JUSTIFIED: (1, 0.0),
        CoverageClass.UNJUSTIFIED: (1, 2.0),
    }
    assert (c.linked.item_share, c.linked.effort_share) == (pytest.approx(0.6), 14 / 16)
    assert [o.objective_id for o in c.by_objective] == [listed, a, b]
    assert (c.by_objective[0].share.items, c.by_objective[0].share.item_share) == (0, 0.0)
    assert (c.by_objective[2].share.items, c.by_objective[2].share.effort) == (2, 12.0)
    assert c.by_objective[2].by_tier[Tier.DIRECT].items == 0
    assert {m: (t.items, t.effort) for m, t in c.by_measure.items()} == {
        EffortMeasure.RICE_EFFORT: (3, 8.0),
        EffortMeasure.WSJF_JOB_SIZE: (1, 8.0),
        EffortMeasure.NONE: (1, 0.0),
    }
    empty = coverage([], [])
    assert (empty.linked.item_share, empty.linked.effort_share, empty.by_objective) == (0, 0, [])
