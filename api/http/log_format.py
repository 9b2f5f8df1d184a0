"""How okrank writes its logs: text (the default) or one JSON object per line
(`--log-format json`, or OKRANK_LOG_FORMAT), both with credentials masked and the request id.
The same logging configuration is given to uvicorn, which applies it in every worker."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")
ENV = "OKRANK_LOG_FORMAT"
TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"


def default_format() -> str:
    raw = (os.environ.get(ENV) or "text").lower()
    if raw not in FORMATS:
        raise ValueError(f"{ENV} must be text or json, not {raw!r}")
    return raw


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, RFC 3339), level, logger, message, request_id and,
    for an error with a traceback, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def logging_config(level: str = "info", log_format: str = "text") -> dict[str, Any]:
    """A logging.config.dictConfig for okrank and uvicorn."""
    formatter: dict[str, Any] = (
        {"()": "okrank.api.http.log_format.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "okrank",
        "filters": ["request_id", "credentials"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "okrank.api.http.request_id.RequestIdFilter"},
            "credentials": {"()": "okrank.api.http.credentials.MaskCredentials"},
        },
        "formatters": {"okrank": formatter},
        "handlers": {"okrank": handler},
        "root": {"handlers": ["okrank"], "level": level.upper()},
        "loggers": {
            # uvicorn's loggers would otherwise keep their own handlers and format.
            name: {"handlers": [], "propagate": True, "level": level.upper()}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
