"""Which cycle a moment falls in, for commands whose cycle may be left out."""

from __future__ import annotations

from datetime import UTC, datetime


def quarter_of(moment: datetime) -> str:
    """The quarter (`2026-Q3`) that holds `moment`, in UTC: the cycle a triage is recorded
    for when the caller names none."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-Q{(utc.month - 1) // 3 + 1}"


def current_quarter() -> str:
    return quarter_of(datetime.now(UTC))
