"""Commands on quarterly reviews: start (with the first outcome audit), audit again, record a
verdict, reset the backlog, re-groom an item, complete.

The outcome audit is computed by the caller from the read models (the items done in the cycle,
their tags when they were done, the key results' check-ins: what no aggregate holds alone) with
the domain's one rule (domain.reviews.outcomes.audit_outcomes), and handed in ready: the review
stores it as taken, so later calibration reads the same evidence the reviewer saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okrank.domain.commands import ChangeCommand, Command
from okrank.domain.reviews.outcomes import OutcomeAudit
from okrank.domain.reviews.review import ItemVerdict, RegroomAction


@dataclass(frozen=True)
class StartQuarterlyReview(Command):
    """Start the review of `team`'s cycle (None or "": the whole workspace) with its first
    audit; `lag_days` extends the measuring window past the cycle's end."""

    team: str | None
    cycle: str
    lag_days: int
    audit: OutcomeAudit


@dataclass(frozen=True)
class ReviewCommand(ChangeCommand):
    """A command on one existing review."""

    review_id: UUID


@dataclass(frozen=True)
class AuditReviewOutcomes(ReviewCommand):
    """Take the outcome audit again (new check-ins, or the cycle has ended since)."""

    audit: OutcomeAudit


@dataclass(frozen=True)
class RecordReviewVerdict(ReviewCommand):
    item_id: UUID
    verdict: ItemVerdict
    note: str | None = None


@dataclass(frozen=True)
class ResetBacklog(ReviewCommand):
    """Archive, in one step, the open items of the review's scope with no tag to any of
    `next_objective_ids` (the next cycle's objectives), and create one seed item per objective.

    `candidate_item_ids` are the scope's open items as the caller read them from the read
    models (a handler cannot query them); the handler loads and checks each one itself, and
    an item created after that read is simply not part of the reset."""

    next_cycle: str
    next_objective_ids: tuple[UUID, ...]
    reason: str | None = None
    candidate_item_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class RegroomItem(ReviewCommand):
    """Tag a remaining item forward (to a next-cycle objective, with a tier), re-scope it (a new
    title and/or description), or archive it."""

    item_id: UUID
    action: RegroomAction
    objective_id: UUID | None = None
    tier: str | None = None
    key_result_id: UUID | None = None
    title: str | None = None
    description: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class CompleteReview(ReviewCommand):
    reason: str | None = None
