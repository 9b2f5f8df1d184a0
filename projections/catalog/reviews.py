"""Catalog handlers of quarterly review events (domain.reviews.review); each event is also a
REVIEW_* change on the okrChanged stream (projections.catalog.okr_changes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg.types.json import Jsonb

from okrank.domain.reviews.review import QuarterlyReview, ReviewPhase
from okrank.projections.catalog import okr_changes
from okrank.projections.catalog.batch import CatalogBatch
from okrank.projections.catalog.okr_changes import OkrChange, OkrChangeKind, ReviewChanged

Kind = OkrChangeKind


def announce(
    b: CatalogBatch, review: Any, e: Any, pos: int, kind: OkrChangeKind, **detail: Any
) -> None:
    """The event's change on the okrChanged stream: `review` holds its workspace, team, cycle."""
    changed = ReviewChanged(e.originator_id, review["team"], review["cycle"], **detail)
    change = OkrChange(kind, None, None, None, None, None, None, review=changed)
    okr_changes.record(b, review["workspace"], e, pos, [change])


def review_started(b: CatalogBatch, e: QuarterlyReview.Created, pos: int) -> None:
    b.curs.execute(
        "INSERT INTO quarterly_reviews VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, false, NULL,"
        " NULL, '', '', NULL, %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.team,
            e.cycle,
            e.lag_days,
            ReviewPhase.AUDITING.value,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )
    review = {"workspace": e.workspace, "team": e.team, "cycle": e.cycle}
    announce(b, review, e, pos, Kind.REVIEW_STARTED)


def touch_review(b: CatalogBatch, e: Any, sets: str = "", values: tuple[Any, ...] = ()) -> Any:
    """The event's version and time on the review's row (and `sets`); its workspace, team and
    cycle."""
    return b.curs.execute(
        f"UPDATE quarterly_reviews SET version = %s, updated_at = %s{sets} WHERE id = %s"
        " RETURNING workspace, team, cycle",
        (e.originator_version, e.timestamp, *values, e.originator_id),
    ).fetchone()


def outcomes_audited(b: CatalogBatch, e: QuarterlyReview.OutcomesAudited, pos: int) -> None:
    review = touch_review(
        b,
        e,
        ", audit = %s, audit_final = %s, audited_at = %s",
        (Jsonb(e.audit), e.final, e.timestamp),
    )
    announce(b, review, e, pos, Kind.REVIEW_AUDITED)


def verdict_recorded(b: CatalogBatch, e: QuarterlyReview.VerdictRecorded, pos: int) -> None:
    review = touch_review(b, e)
    b.curs.execute(
        "INSERT INTO review_verdicts VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (review_id, item_id) DO UPDATE SET verdict = EXCLUDED.verdict,"
        " note = EXCLUDED.note, recorded_at = EXCLUDED.recorded_at,"
        " recorded_by = EXCLUDED.recorded_by",
        (e.originator_id, e.item_id, review["workspace"], e.verdict, e.note, e.timestamp, e.actor),
    )
    announce(b, review, e, pos, Kind.REVIEW_VERDICT_RECORDED, item_id=e.item_id, verdict=e.verdict)


def backlog_reset(b: CatalogBatch, e: QuarterlyReview.BacklogReset, pos: int) -> None:
    review = touch_review(
        b,
        e,
        ", phase = %s, next_cycle = %s, reset_reason = %s",
        (ReviewPhase.REGROOMING.value, e.next_cycle, e.reason),
    )
    rows = [(i, "ARCHIVED", None) for i in e.archived_item_ids]
    rows += [(i, "SEED", o) for o, i in e.seed_item_ids.items()]
    rows += [(i, "REMAINING", None) for i in e.remaining_item_ids]
    # One statement, not executemany: in pipeline mode a later fetch in the batch could read
    # one of executemany's results (see projections/audit/chain_view.py).
    b.curs.execute(
        "INSERT INTO review_items (review_id, item_id, workspace, seq, role, objective_id)"
        " SELECT %s, u.item, %s, u.n, u.role, u.objective"
        " FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::uuid[])"
        " AS u(item, n, role, objective)",
        (
            e.originator_id,
            review["workspace"],
            [item for item, _, _ in rows],
            list(range(len(rows))),
            [role for _, role, _ in rows],
            [objective for _, _, objective in rows],
        ),
    )
    announce(b, review, e, pos, Kind.REVIEW_BACKLOG_RESET)


def item_regroomed(b: CatalogBatch, e: QuarterlyReview.ItemRegroomed, pos: int) -> None:
    review = touch_review(b, e)
    b.curs.execute(
        "UPDATE review_items SET action = %s, objective_id = %s, tier = %s, handled_at = %s,"
        " handled_by = %s WHERE review_id = %s AND item_id = %s",
        (e.action, e.objective_id, e.tier, e.timestamp, e.actor, e.originator_id, e.item_id),
    )
    announce(
        b, review, e, pos, Kind.REVIEW_ITEM_REGROOMED, item_id=e.item_id, regroom_action=e.action
    )


def review_completed(b: CatalogBatch, e: QuarterlyReview.Completed, pos: int) -> None:
    review = touch_review(
        b,
        e,
        ", phase = %s, close_reason = %s, completed_at = %s",
        (ReviewPhase.COMPLETED.value, e.reason, e.timestamp),
    )
    announce(b, review, e, pos, Kind.REVIEW_COMPLETED)


HANDLERS: dict[type, Callable[[CatalogBatch, Any, int], None]] = {
    QuarterlyReview.Created: review_started,
    QuarterlyReview.OutcomesAudited: outcomes_audited,
    QuarterlyReview.VerdictRecorded: verdict_recorded,
    QuarterlyReview.BacklogReset: backlog_reset,
    QuarterlyReview.ItemRegroomed: item_regroomed,
    QuarterlyReview.Completed: review_completed,
}
