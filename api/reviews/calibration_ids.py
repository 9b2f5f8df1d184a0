"""The global IDs of quarterly reviews as calibration names them (the evidence a recalibration
cites, the reviews a calibration drew on): Relay IDs of type `QuarterlyReview`."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import strawberry

from okrank.api.commands.inputs import need_id
from okrank.api.graphql.ids import to_global_id

REVIEW_TYPE = "QuarterlyReview"
EVIDENCE_FIELD = "evidenceReviewIds"


def review_global_id(ident: UUID) -> strawberry.ID:
    return strawberry.ID(to_global_id(REVIEW_TYPE, ident))


def evidence_review_uuids(ids: Iterable[str] | None) -> tuple[UUID, ...]:
    """The cited reviews' UUIDs, or a ValidationError naming the malformed one."""
    return tuple(
        need_id(gid, REVIEW_TYPE, f"{EVIDENCE_FIELD}.{at}") for at, gid in enumerate(ids or ())
    )
