"""The `alignmentCalibration` query: the completed quarterly reviews' audits and verdicts, read
from the catalog in one snapshot, calibrated by the domain's one rule
(domain.reviews.calibration), beside the multipliers in force. Audits are parsed once per
review version and kept (api.reviews.audits): a completed review never changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from okrank.api.database.read_pool import ReadPool
from okrank.api.graphql.ids import bad_input
from okrank.api.graphql.rows import from_row
from okrank.api.rankings.types import AlignmentMultipliers
from okrank.api.reviews.audits import Key, keep_audits, kept_audits
from okrank.api.reviews.calibration_ids import review_global_id
from okrank.api.reviews.calibration_types import AlignmentCalibration, CalibrationReview
from okrank.domain.okrs.objective import CYCLE_PATTERN
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.reviews.calibration import Calibration, ReviewEvidence, calibrate
from okrank.domain.reviews.outcomes import OutcomeAudit
from okrank.domain.reviews.review import ReviewPhase

COMPLETED_REVIEWS = """
    SELECT id, team, cycle, version, completed_at FROM quarterly_reviews
    WHERE workspace = $1 AND phase = $2 AND ($3::text IS NULL OR cycle = $3) AND audit IS NOT NULL
    ORDER BY seq"""
AUDITS = """
    SELECT id, audit FROM quarterly_reviews WHERE workspace = $1 AND id = ANY($2::uuid[])"""
VERDICTS = """
    SELECT review_id, item_id, verdict FROM review_verdicts
    WHERE workspace = $1 AND review_id = ANY($2::uuid[])"""


@dataclass
class CompletedReviews:
    """The completed reviews as one snapshot saw them: their rows (no audit), the audits kept
    parsed for their versions, the others' audit records, their verdicts, the multipliers row."""

    rows: list[Any]
    kept: dict[Key, OutcomeAudit]
    records: dict[UUID, Any]
    verdict_rows: list[Any]
    multipliers: Any


def key(row: Any) -> Key:
    return row["id"], row["version"]


async def completed_reviews(pool: ReadPool, workspace: str, cycle: str | None) -> CompletedReviews:
    """The completed reviews (of `cycle`, if given), in one snapshot: their versions first, then
    the audits of the versions not kept parsed (completed reviews never change: few, if any)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        rows = await conn.fetch(COMPLETED_REVIEWS, workspace, ReviewPhase.COMPLETED.value, cycle)
        kept = kept_audits([key(r) for r in rows])
        missing = [r["id"] for r in rows if key(r) not in kept]
        records = (
            {a["id"]: a["audit"] for a in await conn.fetch(AUDITS, workspace, missing)}
            if missing
            else {}
        )
        verdict_rows = await conn.fetch(VERDICTS, workspace, [r["id"] for r in rows])
        multipliers = await conn.fetchrow(
            "SELECT * FROM workspaces WHERE workspace = $1", workspace
        )
    return CompletedReviews(rows, kept, records, verdict_rows, multipliers)


def calibration_of(
    read: CompletedReviews, current: Multipliers
) -> tuple[Calibration, list[CalibrationReview], dict[Key, OutcomeAudit]]:
    """The rule applied to the reviews read (CPU work: run off the event loop), the reviews,
    and the audits it parsed."""
    verdicts: dict[Any, dict[Any, str]] = {}
    for v in read.verdict_rows:
        verdicts.setdefault(v["review_id"], {})[v["item_id"]] = v["verdict"]
    parsed = {
        key(r): OutcomeAudit.from_record(read.records[r["id"]])
        for r in read.rows
        if key(r) not in read.kept
    }
    audits = {**read.kept, **parsed}
    evidence = [
        ReviewEvidence(
            review_id=r["id"],
            team=r["team"],
            cycle=r["cycle"],
            audit=audits[key(r)],
            verdicts=verdicts.get(r["id"], {}),
        )
        for r in read.rows
    ]
    reviews = [
        from_row(
            CalibrationReview,
            r,
            id=review_global_id(r["id"]),
            team=r["team"] or None,
            items_audited=e.audit.items_done,
        )
        for r, e in zip(read.rows, evidence, strict=True)
    ]
    return calibrate(evidence, current), reviews, parsed


@strawberry.type(description="Calibration reads.")
class CalibrationQueries:
    @strawberry.field(
        description="Calibration of the alignment multipliers from the evidence of the "
        "workspace's COMPLETED quarterly reviews (of `cycle`, if given): per tier, how often and "
        "by how much items moved their key results, with 95% Wilson intervals, and the "
        "multipliers it suggests beside those in force. Nothing changes by itself: an admin may "
        "recalibrate citing the reviews (`evidenceReviewIds`)."
    )
    async def alignment_calibration(
        self, info: Info, cycle: str | None = None
    ) -> AlignmentCalibration:
        if cycle is not None and not CYCLE_PATTERN.fullmatch(cycle):
            raise bad_input("cycle must look like 2026-Q3 (a quarter) or 2026 (a year)")
        ctx = info.context
        read = await completed_reviews(ctx.pool, ctx.workspace, cycle)
        current = AlignmentMultipliers.from_row(read.multipliers)
        in_force = Multipliers(current.direct, current.indirect, current.untagged)
        calibration, reviews, parsed = await run_in_threadpool(calibration_of, read, in_force)
        keep_audits(parsed, {key(r) for r in read.rows})  # on the event loop: one thread keeps
        return AlignmentCalibration.of(calibration, reviews, current)
