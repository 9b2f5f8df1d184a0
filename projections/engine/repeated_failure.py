"""One log record per streak of the same failure, not one per retry.

A worker that retries every second while the database is away would otherwise write a
traceback every second (hundreds of kilobytes for a short outage). The first failure of a
streak is logged at ERROR with its traceback, the retries at DEBUG, and the first success after
a streak says in one line how many retries it took.
"""

from __future__ import annotations

import logging


class RepeatedFailure:
    def __init__(self, log: logging.Logger, what: str) -> None:
        self.log, self.what = log, what
        self.retries = 0

    def failed(self, exc: BaseException) -> None:
        if self.retries == 0:
            self.log.error("%s failed; retrying", self.what, exc_info=exc)
        else:
            self.log.debug("%s failed again (%d): %s", self.what, self.retries, exc)
        self.retries += 1

    def succeeded(self) -> None:
        if self.retries:
            self.log.info("%s recovered after %d retries", self.what, self.retries)
            self.retries = 0
