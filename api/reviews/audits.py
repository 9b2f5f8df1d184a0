"""A review's latest outcome audit as the API reads it: parsed once per review version and kept
(an audit of 2,000 done items is about 1 MB of JSON; every page of its outcomes, and the review's
delivery and attainment, read the same parse). Every event bumps the review's version, so a
version's audit never changes; the rows listing reviews leave the audit column out."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from uuid import UUID

import asyncpg

from okrank.domain.reviews.outcomes import OutcomeAudit

KEPT = 16  # reviews' audits kept parsed (the reviews being looked at now)
_parsed: OrderedDict[tuple[UUID, int], OutcomeAudit] = OrderedDict()


async def review_audit(pool: asyncpg.Pool, row: Any) -> OutcomeAudit:
    """The audit of the review `row` (a quarterly_reviews row without its audit) at its
    version, or newer if the review changed since the row was read."""
    key = (row["id"], row["version"])
    audit = _parsed.get(key)
    if audit is None:
        record = await pool.fetchval(
            "SELECT audit FROM quarterly_reviews WHERE id = $1 AND workspace = $2",
            row["id"],
            row["workspace"],
        )
        audit = OutcomeAudit.from_record(record)
        _parsed[key] = audit
        while len(_parsed) > KEPT:
            _parsed.popitem(last=False)
    else:
        _parsed.move_to_end(key)
    return audit
