"""The outcome audit's rule: the key results an item was tagged to when it was done, their value
then and at the window's end, moved or not (direction-aware), and the reassess flag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from okrank.domain.okrs.cycles import cycle_bounds, follows, has_ended
from okrank.domain.reviews.outcomes import (
    DoneItem,
    KeyResultSeries,
    OutcomeAudit,
    TagAtCompletion,
    audit_outcomes,
)


def at(m, d):
    return datetime(2026, m, d, tzinfo=UTC)


Q3_END = at(10, 1)
AFTER = at(10, 20)


def test_cycles_are_half_open_quarters_and_years_in_utc():
    assert cycle_bounds("2026-Q3") == (at(7, 1), at(10, 1))
    assert cycle_bounds("2026-Q4") == (at(10, 1), datetime(2027, 1, 1, tzinfo=UTC))
    assert cycle_bounds("2026") == (at(1, 1), datetime(2027, 1, 1, tzinfo=UTC))
    assert not has_ended("2026-Q3", at(9, 30)) and has_ended("2026-Q3", Q3_END)
    assert follows("2026-Q3", "2026-Q4") and follows("2026-Q3", "2027")
    assert not follows("2026-Q3", "2026-Q3") and not follows("2026-Q3", "2026")


def test_an_item_moved_its_key_result_when_progress_grew_from_its_completion_to_the_window_end():
    o = uuid4()
    up = KeyResultSeries(uuid4(), o, 20, 40, ((at(7, 10), 22.0), (at(9, 1), 30.0)))
    flat = KeyResultSeries(uuid4(), o, 20, 40, ((at(7, 10), 25.0),))
    item = DoneItem(uuid4(), "Signup", at(8, 1), 3.0, (TagAtCompletion(o, None, "DIRECT"),))
    audit = audit_outcomes([item], [up, flat], [o], Q3_END, timedelta(0), AFTER)
    (outcome,) = audit.outcomes
    moved = {m.key_result_id: m for m in outcome.movements}
    assert moved[up.key_result_id].value_at_completion == 22.0
    assert moved[up.key_result_id].value_at_window_end == 30.0
    assert moved[up.key_result_id].progress_change == (30 - 22) / 20
    assert moved[up.key_result_id].moved and not moved[flat.key_result_id].moved
    assert outcome.moved and not outcome.reassess
    # attainment: the objective's grade at the window end, mean of (30-20)/20 and (25-20)/20
    assert audit.objectives[0].grade == (0.5 + 0.25) / 2
    assert not audit.provisional and audit.items_done == 1 and audit.effort_done == 3.0


def test_a_key_result_aiming_down_moves_when_its_value_falls_and_not_when_it_rises():
    o = uuid4()
    down = KeyResultSeries(uuid4(), o, 10, 2, ((at(8, 1), 9.0), (at(9, 1), 6.0)))
    wrong = KeyResultSeries(uuid4(), o, 10, 2, ((at(8, 1), 9.0), (at(9, 1), 12.0)))
    tags = (
        TagAtCompletion(o, down.key_result_id, "DIRECT"),
        TagAtCompletion(uuid4(), None, "INDIRECT"),  # an objective with no key results: none
    )
    a = DoneItem(uuid4(), "Faster", at(8, 2), None, tags)
    b = DoneItem(
        uuid4(), "Slower", at(8, 3), None, (TagAtCompletion(o, wrong.key_result_id, "DIRECT"),)
    )
    audit = audit_outcomes([a, b], [down, wrong], [o], Q3_END, timedelta(0), AFTER)
    first, second = audit.outcomes
    assert [m.moved for m in first.movements] == [True] and first.movements[0].tier == "DIRECT"
    assert second.movements[0].progress_change < 0 and second.reassess


def test_the_window_ends_after_the_lag_and_an_audit_before_it_is_provisional():
    o = uuid4()
    late = KeyResultSeries(uuid4(), o, 0, 10, ((at(10, 15), 5.0),))  # moved two weeks later
    item = DoneItem(uuid4(), "Ship", at(9, 20), None, (TagAtCompletion(o, None, "DIRECT"),))
    no_lag = audit_outcomes([item], [late], [o], Q3_END, timedelta(0), AFTER)
    lagged = audit_outcomes([item], [late], [o], Q3_END, timedelta(days=21), AFTER)
    assert no_lag.outcomes[0].reassess and not no_lag.provisional
    assert lagged.outcomes[0].moved and lagged.provisional  # the window closes on 22 October
    assert lagged.window_end == at(10, 22)


def test_an_untagged_item_promised_nothing_and_is_never_flagged():
    item = DoneItem(uuid4(), "Chore", at(8, 1), 1.0, ())
    audit = audit_outcomes([item], [], [], Q3_END, timedelta(0), AFTER)
    assert not audit.outcomes[0].tagged and not audit.outcomes[0].reassess


def test_an_audit_survives_its_stored_record_unchanged():
    o = uuid4()
    kr = KeyResultSeries(uuid4(), o, 0, 10, ((at(8, 10), 4.0),))
    item = DoneItem(
        uuid4(), "Ship", at(8, 1), 2.5, (TagAtCompletion(o, kr.key_result_id, "DIRECT"),)
    )
    audit = audit_outcomes([item], [kr], [o], Q3_END, timedelta(days=3), AFTER)
    assert OutcomeAudit.from_record(audit.to_record()) == audit
