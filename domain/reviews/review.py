"""QuarterlyReview aggregate: one team's (or the whole workspace's) review of one cycle.

Three phases, in the seed's order (okr-prioritisation-guide.txt, "Outcome-driven quarterly
review"):
1. AUDITING: the outcome audit (domain.reviews.outcomes) is taken and may be taken again while
   check-ins arrive; the reviewer records a verdict per audited item.
2. REGROOMING, after the backlog reset: the items with no home in the next cycle's objectives
   were archived in one step, one seed item per next-cycle objective created; each remaining
   item is then tagged forward, re-scoped or archived.
3. COMPLETED: every remaining item handled, or closed early by the owner with a reason.

An audit taken before the cycle ended is a draft: it may be looked at and given verdicts, but a
review resets the backlog and completes only on an audit taken once the cycle has ended. There is
one review per (workspace, team, cycle): its id is derived from them, so a second start of the
same review conflicts instead of doubling the evidence calibration draws on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.okrs.cycles import cycle_bounds, follows
from okrank.domain.reviews.outcomes import OutcomeAudit
from okrank.domain.snapshots import StateSnapshot

LAG_DAYS_MAX = 366  # a window past the cycle's end of at most a year


class ReviewPhase(StrEnum):
    AUDITING = "AUDITING"
    REGROOMING = "REGROOMING"
    COMPLETED = "COMPLETED"


class ItemVerdict(StrEnum):
    """The reviewer's reading of one done item's outcome."""

    MOVED_IT = "MOVED_IT"
    DID_NOT = "DID_NOT"
    UNCLEAR = "UNCLEAR"


class RegroomAction(StrEnum):
    """What re-grooming did with a remaining item."""

    TAGGED_FORWARD = "TAGGED_FORWARD"
    RESCOPED = "RESCOPED"
    ARCHIVED = "ARCHIVED"


def review_id(workspace: str, team: str, cycle: str) -> UUID:
    """The one review of a team's cycle (team "" is the whole workspace)."""
    return uuid5(NAMESPACE_URL, f"okrank:quarterly-review:{workspace}:{team}:{cycle}")


class QuarterlyReview(Aggregate):
    Snapshot = StateSnapshot  # plain JSON state: see domain.snapshots

    @staticmethod
    def create_id(workspace: str, team: str, cycle: str, **_: Any) -> UUID:
        return review_id(workspace, team, cycle)

    @event("Created")
    def __init__(self, workspace: str, team: str, cycle: str, lag_days: int, actor: str) -> None:
        self.workspace = workspace
        self.team = team  # "" for the whole workspace
        self.cycle = cycle
        self.lag_days = lag_days
        self.phase = ReviewPhase.AUDITING
        self.audit: dict[str, Any] | None = None  # the latest OutcomeAudit.to_record()
        self.audit_final = False  # taken once the cycle had ended
        self.verdicts: dict[str, str] = {}  # item id → ItemVerdict value
        self.next_cycle: str | None = None
        self.next_objective_ids: list[str] = []  # the reset's: re-grooming tags forward to them
        self.remaining: list[str] = []  # item ids to re-groom, in the reset's order
        self.handled: dict[str, str] = {}  # item id → the last RegroomAction value
        self.close_reason = ""

    # -- phase 1: the outcome audit -----------------------------------------------------------

    def _open(self) -> None:
        if self.phase == ReviewPhase.COMPLETED:
            raise ConflictError("the review is COMPLETED", current_version=self.version)

    def take_audit(self, audit: OutcomeAudit, actor: str) -> None:
        if self.phase != ReviewPhase.AUDITING:
            raise ConflictError(
                f"the outcome audit is taken while AUDITING; the review is {self.phase.value}",
                current_version=self.version,
            )
        final = audit.taken_at >= cycle_bounds(self.cycle)[1]
        self._outcomes_audited(audit=audit.to_record(), final=final, actor=actor)

    @event("OutcomesAudited")
    def _outcomes_audited(self, audit: dict[str, Any], final: bool, actor: str) -> None:
        self.audit = audit
        self.audit_final = final

    def latest_audit(self) -> OutcomeAudit | None:
        return None if self.audit is None else OutcomeAudit.from_record(self.audit)

    def record_verdict(self, item_id: UUID, verdict: ItemVerdict, note: str, actor: str) -> None:
        self._open()
        audit = self.latest_audit()
        if audit is None or item_id not in audit.item_ids():
            raise ValidationError(
                "backlogItemId", f"the item was not done in {self.cycle} (not in the audit)"
            )
        self._verdict_recorded(item_id=item_id, verdict=verdict.value, note=note, actor=actor)

    @event("VerdictRecorded")
    def _verdict_recorded(self, item_id: UUID, verdict: str, note: str, actor: str) -> None:
        self.verdicts = {**self.verdicts, str(item_id): verdict}

    def _require_final_audit(self, field: str) -> None:
        if not self.audit_final:
            raise ValidationError(
                field,
                f"the review is a draft: {self.cycle} had not ended when its outcome audit was"
                " taken; take the audit again once the cycle has ended",
            )

    # -- phase 2: the backlog reset -----------------------------------------------------------

    def check_reset(self, next_cycle: str) -> None:
        """Refuses a reset that cannot happen (the handler checks before changing any item)."""
        if self.phase != ReviewPhase.AUDITING:
            raise ConflictError(
                f"the backlog is reset once, after the audit; the review is {self.phase.value}",
                current_version=self.version,
            )
        self._require_final_audit("nextCycle")
        if not follows(self.cycle, next_cycle):
            raise ValidationError(
                "nextCycle", f"the next cycle must start after {self.cycle} ends, not {next_cycle}"
            )

    def reset_backlog(
        self,
        next_cycle: str,
        next_objective_ids: list[UUID],
        archived_item_ids: list[UUID],
        seed_item_ids: dict[UUID, UUID],
        remaining_item_ids: list[UUID],
        reason: str,
        actor: str,
    ) -> None:
        """Record the reset the handler made: `seed_item_ids` maps each next-cycle objective to
        the seed item created for it; `remaining_item_ids` are the items left to re-groom."""
        self.check_reset(next_cycle)
        self._backlog_reset(
            next_cycle=next_cycle,
            next_objective_ids=[str(o) for o in next_objective_ids],
            archived_item_ids=[str(i) for i in archived_item_ids],
            seed_item_ids={str(o): str(i) for o, i in seed_item_ids.items()},
            remaining_item_ids=[str(i) for i in remaining_item_ids],
            reason=reason,
            actor=actor,
        )

    @event("BacklogReset")
    def _backlog_reset(
        self,
        next_cycle: str,
        next_objective_ids: list[str],
        archived_item_ids: list[str],
        seed_item_ids: dict[str, str],
        remaining_item_ids: list[str],
        reason: str,
        actor: str,
    ) -> None:
        self.phase = ReviewPhase.REGROOMING
        self.next_cycle = next_cycle
        self.next_objective_ids = list(next_objective_ids)
        self.remaining = list(remaining_item_ids)

    # -- phase 3: re-grooming -----------------------------------------------------------------

    def check_regroom(self, item_id: UUID) -> None:
        if self.phase != ReviewPhase.REGROOMING:
            raise ConflictError(
                f"items are re-groomed after the backlog reset; the review is {self.phase.value}",
                current_version=self.version,
            )
        if str(item_id) not in self.remaining:
            raise ValidationError("backlogItemId", "the item is not one this review re-grooms")

    def regroom(
        self,
        item_id: UUID,
        action: RegroomAction,
        objective_id: UUID | None,
        tier: str | None,
        actor: str,
    ) -> None:
        """Record what re-grooming did with a remaining item (the handler changed the item)."""
        self.check_regroom(item_id)
        self._item_regroomed(
            item_id=item_id, action=action.value, objective_id=objective_id, tier=tier, actor=actor
        )

    @event("ItemRegroomed")
    def _item_regroomed(
        self, item_id: UUID, action: str, objective_id: UUID | None, tier: str | None, actor: str
    ) -> None:
        self.handled = {**self.handled, str(item_id): action}

    def unhandled(self) -> list[str]:
        return [i for i in self.remaining if i not in self.handled]

    # -- completion ---------------------------------------------------------------------------

    def complete(self, reason: str, actor: str) -> None:
        """Complete once every remaining item is handled; earlier only with a reason."""
        self._open()
        self._require_final_audit("reviewId")
        unhandled = self.unhandled() if self.phase == ReviewPhase.REGROOMING else []
        early = self.phase == ReviewPhase.AUDITING or bool(unhandled)
        if early and not reason:
            what = (
                f"{len(unhandled)} item{' is' if len(unhandled) == 1 else 's are'} not"
                " re-groomed yet"
                if unhandled
                else "the backlog has not been reset"
            )
            raise ValidationError("reason", f"{what}: closing the review early needs a reason")
        self._completed(reason=reason, unhandled_item_ids=unhandled, actor=actor)

    @event("Completed")
    def _completed(self, reason: str, unhandled_item_ids: list[str], actor: str) -> None:
        self.phase = ReviewPhase.COMPLETED
        self.close_reason = reason
