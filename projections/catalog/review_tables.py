"""The catalog's tables of quarterly reviews (domain.reviews): the review, its verdicts, and the
items its backlog reset archived, seeded or left to re-groom."""

from __future__ import annotations

TABLES = {
    # audit: the latest OutcomeAudit.to_record() (domain.reviews.outcomes), as the review holds it.
    "quarterly_reviews": """
        CREATE TABLE IF NOT EXISTS quarterly_reviews (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            team text NOT NULL, cycle text NOT NULL, lag_days int NOT NULL,
            phase text NOT NULL, audit jsonb, audit_final bool NOT NULL,
            audited_at timestamptz, next_cycle text, reset_reason text NOT NULL,
            close_reason text NOT NULL, completed_at timestamptz,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL)""",
    "review_verdicts": """
        CREATE TABLE IF NOT EXISTS review_verdicts (
            review_id uuid NOT NULL, item_id uuid NOT NULL, workspace text NOT NULL,
            verdict text NOT NULL, note text NOT NULL, recorded_at timestamptz NOT NULL,
            recorded_by text NOT NULL,
            PRIMARY KEY (review_id, item_id))""",
    # role: ARCHIVED (by the reset), SEED (created for a next-cycle objective: objective_id),
    # or REMAINING (to re-groom; action, objective_id and tier once handled).
    "review_items": """
        CREATE TABLE IF NOT EXISTS review_items (
            review_id uuid NOT NULL, item_id uuid NOT NULL, workspace text NOT NULL,
            seq bigint NOT NULL, role text NOT NULL, action text, objective_id uuid,
            tier text, handled_at timestamptz, handled_by text,
            PRIMARY KEY (review_id, item_id))""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS quarterly_reviews_ws ON quarterly_reviews (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS review_items_seq ON review_items (review_id, role, seq)",
]
