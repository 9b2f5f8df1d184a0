"""Exercise rules without a database: ballots by method, designs handed out, results from
ballots (segments, withdrawn candidates, imported responses)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from okrank.domain.errors import ValidationError
from okrank.domain.exercises.ballots import BallotInput, MaxDiffAnswer, normalise_ballot
from okrank.domain.exercises.design import extension_sets, maxdiff_designs, validate_explicit_design
from okrank.domain.exercises.exercise import Exercise, ExerciseMethod
from okrank.domain.exercises.result_types import Participant
from okrank.domain.exercises.results import compute


def exercise(method: str, n: int = 4, prices: list[float] | None = None) -> tuple[Exercise, list]:
    ex = Exercise("w", uuid4(), method, "t", "", None, 4, "po")
    items = [uuid4() for _ in range(n)]
    for k, i in enumerate(items):
        ex.add_candidate(i, prices[k] if prices else None, "", "po")
    return ex, items


def test_buy_a_feature_ballot_is_capped_by_budget_and_price():
    ex, (a, b, *_) = exercise("BUY_A_FEATURE", prices=[10, 20, 30, 40])
    ex.invite("sam", None, "po")
    ex.open({}, {"sam": 25.0}, "po")
    ok = normalise_ballot(ex, "sam", BallotInput(allocations=[(a, 10), (b, 15)]))
    assert ok == {"allocations": {str(a): 10.0, str(b): 15.0}}
    with pytest.raises(ValidationError, match="price"):
        normalise_ballot(ex, "sam", BallotInput(allocations=[(a, 11)]))
    with pytest.raises(ValidationError, match="over budget"):
        normalise_ballot(ex, "sam", BallotInput(allocations=[(b, 20), (a, 6)]))
    with pytest.raises(ValidationError, match="twice"):
        normalise_ballot(ex, "sam", BallotInput(allocations=[(a, 1), (a, 1)]))
    with pytest.raises(ValidationError, match="no votes"):
        normalise_ballot(ex, "sam", BallotInput(votes=[(a, "MUST")]))


def test_maxdiff_answers_must_come_from_the_participants_own_sets():
    ex, items = exercise("MAXDIFF", n=5)
    ex.invite("sam", None, "po")
    designs = maxdiff_designs(ex.id, items, ["sam"], 4)
    ex.open(designs, {}, "po")
    s = designs["sam"][0]
    missing = next(i for i in items if i not in s)
    ballot = normalise_ballot(ex, "sam", BallotInput(answers=[MaxDiffAnswer(0, s[0], s[1])]))
    assert ballot == {"answers": [[0, str(s[0]), str(s[1])]]}
    for answer, field in [
        (MaxDiffAnswer(0, s[0], s[0]), "worst"),
        (MaxDiffAnswer(0, missing, s[0]), "best"),
        (MaxDiffAnswer(len(designs["sam"]), s[0], s[1]), "setIndex"),
    ]:
        with pytest.raises(ValidationError) as err:
            normalise_ballot(ex, "sam", BallotInput(answers=[answer]))
        assert err.value.path[-1] == field


def test_a_candidate_added_while_open_is_shown_as_often_as_the_others():
    items = [uuid4() for _ in range(6)]
    new = uuid4()
    extra = extension_sets(uuid4(), new, items, ["a", "b"], 4)
    for sets in extra.values():
        assert len(sets) == 3
        for s in sets:
            assert new in s and len(set(s)) == 4
        companions = [i for s in sets for i in s if i != new]
        assert len(set(companions)) == 6  # 9 places spread over all 6 others


def test_an_explicit_design_must_cover_every_candidate_with_valid_sets():
    items = [uuid4() for _ in range(5)]
    with pytest.raises(ValidationError, match="3 to 5"):
        validate_explicit_design([items[:2]], items)
    with pytest.raises(ValidationError, match="twice"):
        validate_explicit_design([[items[0], items[0], items[1]]], items)
    with pytest.raises(ValidationError, match="appear in no set"):
        validate_explicit_design([items[:3]], items)
    with pytest.raises(ValidationError, match="candidate"):
        validate_explicit_design([[*items[:3], uuid4()]], items)
    assert validate_explicit_design([items[:3], items[2:]], items) == [items[:3], items[2:]]


def test_moscow_results_per_segment_and_their_agreement():
    a, b, c = uuid4(), uuid4(), uuid4()

    def p(subject: str, segment: str, votes: dict) -> Participant:
        return Participant(subject, segment, {"votes": {str(k): v for k, v in votes.items()}})

    people = [
        p("s1", "Sales", {a: "MUST", b: "SHOULD", c: "WONT"}),
        p("s2", "Sales", {a: "MUST", b: "COULD", c: "WONT"}),
        p("t1", "Support", {a: "WONT", b: "SHOULD", c: "MUST"}),
        p("n1", "", {a: "COULD"}),
    ]
    results = compute(ExerciseMethod.MOSCOW, [a, b, c], {}, people)
    assert results.overall.respondents == 4
    assert [g.segment for g in results.segments] == ["Sales", "Support"]
    sales, support = results.segments
    assert [o.item_id for o in sales.items] == [a, b, c]
    assert [o.item_id for o in support.items] == [c, b, a]
    pair = results.segment_agreement["pairs"][0]
    assert (pair["a"], pair["b"]) == ("Sales", "Support") and pair["spearman"] == pytest.approx(-1)
    assert results.segment_agreement["kendallW"] == pytest.approx(0)


def test_withdrawn_candidates_leave_maxdiff_results_and_imports_count_with_their_segment():
    items = [uuid4() for _ in range(5)]
    truth = items  # items[0] is best
    design = [[str(i) for i in s] for s in ([items[0], items[1], items[2], items[3]],)]
    answered = Participant("sam", "Sales", {"answers": [[0, str(items[0]), str(items[3])]]}, design)
    rows = [
        ["r1", 1, [1, 2, 4], 1, 4, "Support"],  # shown B, C, E: best B, worst E
        ["r1", 2, [0, 2, 3], 0, 3, "Support"],
        ["r2", 1, [0, 1, 2], 0, 2, ""],
    ]
    imported = {"items": [str(i) for i in truth], "rows": rows}
    current = items[1:]  # A was withdrawn: every answer naming it no longer counts
    results = compute(ExerciseMethod.MAXDIFF, current, {}, [answered], imported)
    # Only r1's first set counts: every other answer names A as best.
    assert results.overall.summary["responses"] == 1
    assert [g.segment for g in results.segments] == ["Sales", "Support"]
    assert results.segments[0].respondents == 0
    first = results.overall.items[0]
    assert first.item_id == items[1] and first.detail["best"] == 1
