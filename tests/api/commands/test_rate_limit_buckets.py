"""Token buckets and rate-limit settings as pure functions (time is passed in)."""

from __future__ import annotations

import pytest

from okrank.api.commands.rate_limit import Buckets, RateLimitSettings


def test_a_bucket_allows_its_burst_then_names_the_wait() -> None:
    buckets = Buckets(rate=2.0, burst=3.0)
    assert [buckets.take("t", 1.0, now=0.0) for _ in range(3)] == [None, None, None]
    assert buckets.take("t", 1.0, now=0.0) == pytest.approx(0.5)
    assert buckets.take("t", 1.0, now=0.5) is None  # refilled one token in 0.5 s


def test_a_bucket_refills_up_to_its_burst_only() -> None:
    buckets = Buckets(rate=10.0, burst=3.0)
    buckets.take("t", 3.0, now=0.0)
    assert buckets.headers("t", now=100.0) == [
        (b"ratelimit-limit", b"3"),
        (b"ratelimit-remaining", b"3"),
        (b"ratelimit-reset", b"0"),
    ]


def test_charges_after_the_door_go_into_debt_bounded_by_the_burst() -> None:
    buckets = Buckets(rate=1.0, burst=5.0)
    buckets.charge("t", 100.0, now=0.0)
    assert buckets.shortfall("t", 1.0, now=0.0) == pytest.approx(6.0)  # from -5 back to 1
    assert dict(buckets.headers("t", now=0.0))[b"ratelimit-remaining"] == b"0"


def test_keys_have_separate_buckets() -> None:
    buckets = Buckets(rate=1.0, burst=1.0)
    assert buckets.take(("ws", "a"), 1.0, now=0.0) is None
    assert buckets.take(("ws", "a"), 1.0, now=0.0) is not None
    assert buckets.take(("ws", "b"), 1.0, now=0.0) is None


def test_settings_come_from_the_environment_and_refuse_nonsense() -> None:
    settings = RateLimitSettings.from_env({"OKRANK_RATE_LIMIT": "5", "OKRANK_RATE_BURST": "7"})
    assert (settings.rate, settings.burst) == (5.0, 7.0)
    assert RateLimitSettings.from_env({}) == RateLimitSettings()
    for bad in ("-1", "nan", "inf", "lots"):
        with pytest.raises(ValueError):
            RateLimitSettings.from_env({"OKRANK_RATE_LIMIT": bad})
