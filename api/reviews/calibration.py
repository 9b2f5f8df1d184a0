"""The `alignmentCalibration` query: the completed quarterly reviews' audits and verdicts, read
from the catalog in one snapshot, calibrated by the domain's one rule
(domain.reviews.calibration), beside the multipliers in force."""

from __future__ import annotations

from typing import Any

import asyncpg
import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types import Info

from okrank.api.graphql.ids import bad_input
from okrank.api.rankings.types import AlignmentMultipliers
from okrank.api.reviews.calibration_ids import review_global_id
from okrank.api.reviews.calibration_types import AlignmentCalibration, CalibrationReview
from okrank.domain.okrs.objective import CYCLE_PATTERN
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.reviews.calibration import Calibration, ReviewEvidence, calibrate
from okrank.domain.reviews.outcomes import OutcomeAudit
from okrank.domain.reviews.review import ReviewPhase

COMPLETED_REVIEWS = """
    SELECT id, team, cycle, audit, completed_at FROM quarterly_reviews
    WHERE workspace = $1 AND phase = $2 AND ($3::text IS NULL OR cycle = $3) AND audit IS NOT NULL
    ORDER BY seq"""
VERDICTS = """
    SELECT review_id, item_id, verdict FROM review_verdicts
    WHERE workspace = $1 AND review_id = ANY($2::uuid[])"""


async def completed_reviews(
    pool: asyncpg.Pool, workspace: str, cycle: str | None
) -> tuple[list[Any], list[Any], Any]:
    """The completed reviews (of `cycle`, if given), their verdicts, and the workspace's
    multipliers row, in one snapshot."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        rows = await conn.fetch(COMPLETED_REVIEWS, workspace, ReviewPhase.COMPLETED.value, cycle)
        verdict_rows = await conn.fetch(VERDICTS, workspace, [r["id"] for r in rows])
        multipliers = await conn.fetchrow(
            "SELECT * FROM workspaces WHERE workspace = $1", workspace
        )
    return rows, verdict_rows, multipliers


def calibration_of(
    rows: list[Any], verdict_rows: list[Any], current: Multipliers
) -> tuple[Calibration, list[CalibrationReview]]:
    """The rule applied to the rows (CPU work: run off the event loop), and the reviews."""
    verdicts: dict[Any, dict[Any, str]] = {}
    for v in verdict_rows:
        verdicts.setdefault(v["review_id"], {})[v["item_id"]] = v["verdict"]
    evidence = [
        ReviewEvidence(
            review_id=r["id"],
            team=r["team"],
            cycle=r["cycle"],
            audit=OutcomeAudit.from_record(r["audit"]),
            verdicts=verdicts.get(r["id"], {}),
        )
        for r in rows
    ]
    reviews = [
        CalibrationReview(
            id=review_global_id(r["id"]),
            team=r["team"] or None,
            cycle=r["cycle"],
            completed_at=r["completed_at"],
            items_audited=e.audit.items_done,
        )
        for r, e in zip(rows, evidence, strict=True)
    ]
    return calibrate(evidence, current), reviews


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
        rows, verdict_rows, row = await completed_reviews(ctx.pool, ctx.workspace, cycle)
        current = AlignmentMultipliers.from_row(row)
        in_force = Multipliers(current.direct, current.indirect, current.untagged)
        calibration, reviews = await run_in_threadpool(calibration_of, rows, verdict_rows, in_force)
        return AlignmentCalibration.of(calibration, reviews, current)
