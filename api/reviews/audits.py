"""Reviews' outcome audits as the API reads them: parsed once per review version and kept (an
audit of 2,000 done items is about 1 MB of JSON; every page of its outcomes, the review's delivery
and attainment, and every calibration drawing on a completed review read the same parse). Every
event bumps the review's version, so a version's audit never changes; the rows listing reviews
leave the audit column out.

What is kept is bounded by the item outcomes it holds, not by the reviews: a calibration reads
every completed review of a workspace (many small audits), a review page one large audit."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from typing import Any
from uuid import UUID

from okrank.api.database.read_pool import ReadPool
from okrank.domain.reviews.outcomes import OutcomeAudit

Key = tuple[UUID, int]  # (review id, version)
KEPT_OUTCOMES = 50_000  # item outcomes kept parsed, over all audits (about 30 MB)
_parsed: OrderedDict[Key, OutcomeAudit] = OrderedDict()
_outcomes_kept = 0


def kept_audits(keys: Sequence[Key]) -> dict[Key, OutcomeAudit]:
    """Those of the audits `keys` that are kept parsed (now the most recently used)."""
    found = {}
    for key in keys:
        audit = _parsed.get(key)
        if audit is not None:
            _parsed.move_to_end(key)
            found[key] = audit
    return found


def keep_audits(parsed: Mapping[Key, OutcomeAudit], in_use: Collection[Key]) -> None:
    """Keep the `parsed` audits, making room by dropping the least recently used of those not
    `in_use` by the read that parsed them. One that finds no room is not kept: a read of more
    audits than fit keeps the same ones each time, rather than each pushing out the next."""
    global _outcomes_kept
    for key, audit in parsed.items():
        size = max(1, audit.items_done)
        if key in _parsed or size > KEPT_OUTCOMES:
            continue
        if _outcomes_kept + size > KEPT_OUTCOMES:
            for old in [k for k in _parsed if k not in in_use]:  # least recently used first
                _outcomes_kept -= max(1, _parsed.pop(old).items_done)
                if _outcomes_kept + size <= KEPT_OUTCOMES:
                    break
        if _outcomes_kept + size <= KEPT_OUTCOMES:
            _parsed[key] = audit
            _outcomes_kept += size


async def review_audit(pool: ReadPool, row: Any) -> OutcomeAudit:
    """The audit of the review `row` (a quarterly_reviews row without its audit) at its
    version, or newer if the review changed since the row was read."""
    key = (row["id"], row["version"])
    audit = kept_audits([key]).get(key)
    if audit is None:
        record = await pool.fetchval(
            "SELECT audit FROM quarterly_reviews WHERE id = $1 AND workspace = $2",
            row["id"],
            row["workspace"],
        )
        audit = OutcomeAudit.from_record(record)
        keep_audits({key: audit}, {key})
    return audit
