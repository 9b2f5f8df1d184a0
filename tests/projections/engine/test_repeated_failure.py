"""A failure that repeats (the database stays away) is logged once per streak, not per retry."""

from __future__ import annotations

import logging

from okrank.projections.engine.repeated_failure import RepeatedFailure


def test_a_streak_of_failures_logs_one_error_with_its_traceback_and_one_recovery(caplog):
    log = logging.getLogger("okrank.test.repeated")
    failures = RepeatedFailure(log, "projection catalog")
    with caplog.at_level(logging.INFO, logger="okrank.test.repeated"):
        for attempt in range(50):
            failures.failed(ConnectionError(f"refused {attempt}"))
        failures.succeeded()
        failures.succeeded()  # nothing to say when nothing failed
        failures.failed(ConnectionError("refused again"))
    levels = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert levels == [
        ("ERROR", "projection catalog failed; retrying"),
        ("INFO", "projection catalog recovered after 50 retries"),
        ("ERROR", "projection catalog failed; retrying"),
    ]
    assert caplog.records[0].exc_info is not None  # the first one carries its traceback
