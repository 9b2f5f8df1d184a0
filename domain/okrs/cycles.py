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


def cycle_bounds(cycle: str) -> tuple[datetime, datetime]:
    """The half-open UTC interval [start, end) of a validated cycle: a quarter (`2026-Q3`:
    1 July to 1 October) or a year (`2026`)."""
    year, _, quarter = cycle.partition("-Q")
    if not quarter:
        return datetime(int(year), 1, 1, tzinfo=UTC), datetime(int(year) + 1, 1, 1, tzinfo=UTC)
    first_month = (int(quarter) - 1) * 3 + 1
    start = datetime(int(year), first_month, 1, tzinfo=UTC)
    end_year, end_month = (int(year) + 1, 1) if first_month == 10 else (int(year), first_month + 3)
    return start, datetime(end_year, end_month, 1, tzinfo=UTC)


def has_ended(cycle: str, moment: datetime) -> bool:
    """Whether `moment` is at or past the cycle's end (a review of a running cycle is a draft)."""
    return moment >= cycle_bounds(cycle)[1]


def follows(cycle: str, next_cycle: str) -> bool:
    """Whether `next_cycle` starts at or after `cycle` ends (a backlog reset looks forward)."""
    return cycle_bounds(next_cycle)[0] >= cycle_bounds(cycle)[1]
