"""Passwords never reach a log line or a message: a database URL's password, or a libpq
`password=` keyword, is shown as ***."""

from __future__ import annotations

import logging
import re

MASK = "***"
# scheme://user:password@host (a raw @ in the password: up to the last @ before the host)
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)[^\s/]*(?=@)")
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.I)
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&]password=)[^&\s]+", re.I)


def mask(text: str) -> str:
    """`text` with every credential in it replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: m["head"] + MASK, text)
    text = _QUERY_PASSWORD.sub(lambda m: m["head"] + MASK, text)
    return _KEYWORD_PASSWORD.sub(lambda m: m["head"] + MASK, text)


class MaskCredentials(logging.Filter):
    """Rewrites each record's message (and traceback text) with its credentials masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True
