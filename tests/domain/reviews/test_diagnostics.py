"""The review diagnostics' rules (okrank.domain.reviews.diagnostics): strong velocity over the
recent closed sprints, attainment consistently below 0.6, and loose tagging from the audit."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from okrank.domain.reviews.diagnostics import (
    CycleAttainment,
    DiagnosticCode,
    SprintDelivery,
    loose_tagging,
    velocity_without_attainment,
)
from okrank.domain.reviews.outcomes import ItemOutcome, KeyResultMovement, OutcomeAudit

MOMENT = datetime(2026, 8, 1, tzinfo=UTC)


def sprint(end: str, planned: int, done: int, effort: float = 0.0) -> SprintDelivery:
    return SprintDelivery(end, planned, done, effort)


def facts_of(diagnostic) -> dict[str, object]:
    return {f.name: f.value for f in diagnostic.facts}


LOW = [CycleAttainment("2026-Q2", 0.4), CycleAttainment("2026-Q3", 0.5)]


def test_strong_velocity_and_two_cycles_below_the_bar_is_the_seeds_diagnostic():
    sprints = [sprint("2026-07-14", 5, 4, 8), sprint("2026-07-28", 5, 5, 10)]
    found = velocity_without_attainment(sprints, LOW)
    assert found.code is DiagnosticCode.VELOCITY_WITHOUT_ATTAINMENT and found.applies
    facts = facts_of(found)
    assert facts["items done in them"] == 9 and facts["items planned in them"] == 10
    assert facts["share of planned items done"] == 0.9
    assert facts["items done per sprint"] == 4.5 and facts["effort done per sprint"] == 9
    assert facts["attainment of 2026-Q2"] == 0.4 and facts["attainment of 2026-Q3"] == 0.5
    assert "shipping well but into the wrong areas" in found.explanation


def test_velocity_counts_only_the_last_three_sprints_and_needs_eighty_percent():
    old_failure = sprint("2026-05-01", 10, 0)  # a fourth, older sprint is not recent
    recent = [sprint("2026-06-01", 5, 4), sprint("2026-06-15", 5, 4), sprint("2026-07-01", 5, 4)]
    assert velocity_without_attainment([old_failure, *recent], LOW).applies  # 12/15 = 0.8
    weak = [*recent[:2], sprint("2026-07-01", 5, 3)]  # 11/15 < 0.8
    found = velocity_without_attainment(weak, LOW)
    assert not found.applies and facts_of(found)["velocity strong"] is False
    assert "velocity is not strong" in found.explanation


def test_one_sprint_is_not_enough_to_call_velocity_strong():
    found = velocity_without_attainment([sprint("2026-07-01", 3, 3)], LOW)
    assert not found.applies and facts_of(found)["velocity strong"] is False


def test_attainment_must_be_below_the_bar_in_each_of_the_last_two_graded_cycles():
    strong = [sprint("2026-07-01", 2, 2), sprint("2026-07-15", 2, 2)]
    one_good = [CycleAttainment("2026-Q2", 0.6), CycleAttainment("2026-Q3", 0.1)]
    assert not velocity_without_attainment(strong, one_good).applies  # 0.6 is not below 0.6
    only_one = [CycleAttainment("2026-Q3", 0.1)]
    assert not velocity_without_attainment(strong, only_one).applies
    ungraded_between = [*LOW[:1], CycleAttainment("2026-Q2b", None), *LOW[1:]]
    assert velocity_without_attainment(strong, ungraded_between).applies  # skipped
    earlier_good = [CycleAttainment("2026-Q1", 0.9), *LOW]
    assert velocity_without_attainment(strong, earlier_good).applies  # only the last two


def test_no_sprints_and_no_history_give_unknown_figures_and_no_diagnostic():
    found = velocity_without_attainment([], [])
    facts = facts_of(found)
    assert not found.applies and facts["recent closed sprints"] == 0
    assert facts["share of planned items done"] is None and facts["items done per sprint"] is None


def outcome(*movements: tuple[str, bool]) -> ItemOutcome:
    return ItemOutcome(
        uuid4(),
        "item",
        MOMENT,
        1.0,
        tuple(
            KeyResultMovement(uuid4(), uuid4(), tier, 0, 1 if moved else 0, 0.1 * moved, moved)
            for tier, moved in movements
        ),
    )


def audit(*outcomes: ItemOutcome, taken_at: datetime = datetime(2026, 11, 1, tzinfo=UTC)):
    return OutcomeAudit(taken_at, datetime(2026, 10, 1, tzinfo=UTC), outcomes, ())


def test_loose_tagging_is_the_share_of_direct_items_whose_direct_key_results_did_not_move():
    found = loose_tagging(
        audit(
            outcome(("DIRECT", False)),
            outcome(("DIRECT", False), ("INDIRECT", True)),  # its DIRECT one did not move
            outcome(("DIRECT", True), ("DIRECT", False)),  # one DIRECT moved: not loose
            outcome(("INDIRECT", False)),  # not DIRECT: not counted
            outcome(),  # untagged
        )
    )
    facts = facts_of(found)
    assert (facts["done items"], facts["done items tagged DIRECT"]) == (5, 3)
    assert facts["of them, key result did not move"] == 2
    assert facts["share not moved"] == 2 / 3 and found.applies
    assert "2 of 3 done items tagged DIRECT did not move" in found.explanation


def test_loose_tagging_needs_three_direct_items_and_half_of_them_still():
    two = audit(outcome(("DIRECT", False)), outcome(("DIRECT", False)))
    assert not loose_tagging(two).applies
    under_half = audit(*(outcome(("DIRECT", m)) for m in (False, True, True)))
    assert not loose_tagging(under_half).applies
    half = audit(*(outcome(("DIRECT", m)) for m in (False, False, True, True)))
    assert loose_tagging(half).applies
    empty = loose_tagging(audit())
    assert not empty.applies and facts_of(empty)["share not moved"] is None


def test_a_provisional_audit_says_values_may_still_move():
    early = audit(outcome(("DIRECT", False)), taken_at=datetime(2026, 9, 1, tzinfo=UTC))
    found = loose_tagging(early)
    assert facts_of(found)["audit provisional"] is True
    assert "may still move" in found.explanation
