"""The parsed audits kept per (review, version), in memory: bounded by the item outcomes they
hold, the least recently used not in use by the read dropped first, and a read of more than
fits keeping the same ones each time rather than each pushing out the next."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from okrank.api.reviews import audits
from okrank.api.reviews.audits import Key, keep_audits, kept_audits
from okrank.domain.reviews.outcomes import ItemOutcome, OutcomeAudit

NOW = datetime(2026, 10, 1, tzinfo=UTC)


def audit_of(items: int) -> OutcomeAudit:
    outcomes = tuple(ItemOutcome(uuid4(), f"item {n}", NOW, None, ()) for n in range(items))
    return OutcomeAudit(NOW, NOW, outcomes, ())


@pytest.fixture(autouse=True)
def room_for_ten_outcomes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(audits, "KEPT_OUTCOMES", 10)
    monkeypatch.setattr(audits, "_parsed", type(audits._parsed)())
    monkeypatch.setattr(audits, "_outcomes_kept", 0)
    yield


def keys(n: int) -> list[Key]:
    return [(uuid4(), 1) for _ in range(n)]


def test_the_least_recently_used_audit_makes_room_first() -> None:
    a, b, c = keys(3)
    keep_audits({a: audit_of(4), b: audit_of(4)}, {a, b})
    assert set(kept_audits([a])) == {a}  # a is now the most recently used
    keep_audits({c: audit_of(4)}, {c})
    assert set(kept_audits([a, b, c])) == {a, c}


def test_a_read_of_more_audits_than_fit_keeps_the_same_ones_each_time() -> None:
    read = keys(4)
    for _ in range(3):
        missing = [k for k in read if k not in kept_audits(read)]
        keep_audits({k: audit_of(4) for k in missing}, set(read))
        assert set(kept_audits(read)) == set(read[:2])


def test_an_audit_larger_than_the_room_is_not_kept() -> None:
    small, large = keys(2)
    keep_audits({small: audit_of(2)}, {small})
    keep_audits({large: audit_of(11)}, {large})
    assert set(kept_audits([small, large])) == {small}
