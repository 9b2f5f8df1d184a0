"""Scalars as the schema declares them: DateTime names its specification (RFC 3339) with
@specifiedBy, so code generators map it to a date-time type rather than `unknown`."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339"

DateTime = dataclasses.replace(
    DateTimeDefinition,
    description="A date and time with its UTC offset, as RFC 3339 writes it "
    "(e.g. 2026-07-01T09:30:00+00:00).",
    specified_by_url=RFC_3339,
)

Date = dataclasses.replace(
    DateDefinition,
    description="A calendar date, as RFC 3339 writes a full-date (e.g. 2026-07-01).",
    specified_by_url=RFC_3339,
)

OVERRIDES = {datetime: DateTime, date: Date}
