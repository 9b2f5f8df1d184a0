"""The catalog's own tables: workspaces, objectives, key results, backlog items, tags and
ranking entries (the exercise tables and the ranking-change outbox are the catalog's too, from
okrank.projections.exercises.view and okrank.projections.rankings.ranking_changes)."""

from __future__ import annotations

from collections.abc import Iterable

TABLES = {
    "workspaces": """
        CREATE TABLE IF NOT EXISTS workspaces (
            id uuid PRIMARY KEY, workspace text NOT NULL UNIQUE,
            direct float8 NOT NULL, indirect float8 NOT NULL, untagged float8 NOT NULL,
            version int NOT NULL, updated_at timestamptz NOT NULL, updated_by text NOT NULL,
            reason text NOT NULL)""",
    "objectives": """
        CREATE TABLE IF NOT EXISTS objectives (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            cycle text NOT NULL, title text NOT NULL, description text NOT NULL,
            level text NOT NULL, team text NOT NULL, parent_id uuid, status text NOT NULL,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL)""",
    "key_results": """
        CREATE TABLE IF NOT EXISTS key_results (
            id uuid PRIMARY KEY, objective_id uuid NOT NULL, workspace text NOT NULL,
            seq bigint NOT NULL, metric text NOT NULL, unit text NOT NULL,
            baseline float8 NOT NULL, target float8 NOT NULL, output_style bool NOT NULL,
            created_at timestamptz NOT NULL)""",
    "backlog_items": """
        CREATE TABLE IF NOT EXISTS backlog_items (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            title text NOT NULL, description text NOT NULL, kind text NOT NULL,
            status text NOT NULL,
            reach float8, impact float8, confidence float8, effort float8, rice_score float8,
            business_value int, time_criticality int, risk_reduction int, job_size int,
            wsjf_score float8, justification text NOT NULL,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL)""",
    "item_tags": """
        CREATE TABLE IF NOT EXISTS item_tags (
            item_id uuid NOT NULL, objective_id uuid NOT NULL, workspace text NOT NULL,
            key_result_id uuid, tier text NOT NULL, tagged_at timestamptz NOT NULL,
            tagged_by text NOT NULL, reason text NOT NULL,
            PRIMARY KEY (item_id, objective_id))""",
    # One row per (scope, method, item). The k_* columns are the ascending sort key of
    # domain.scoring.RankingEntry, so ORDER BY and keyset cursors agree with the domain's order.
    "ranking_entries": """
        CREATE TABLE IF NOT EXISTS ranking_entries (
            workspace text NOT NULL, scope uuid NOT NULL, method text NOT NULL,
            item_id uuid NOT NULL, base_score float8, multiplier float8 NOT NULL,
            tier text NOT NULL, priority float8, eligible bool NOT NULL,
            k_unscored smallint NOT NULL, k_priority float8 NOT NULL, k_base float8 NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (workspace, scope, method, item_id))""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS objectives_ws_seq ON objectives (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS key_results_objective ON key_results (objective_id, seq)",
    "CREATE INDEX IF NOT EXISTS backlog_items_ws_seq ON backlog_items (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS item_tags_objective ON item_tags (objective_id)",
    "CREATE INDEX IF NOT EXISTS ranking_order ON ranking_entries "
    "(workspace, scope, method, k_unscored, k_priority, k_base, seq, item_id)",
    "CREATE INDEX IF NOT EXISTS ranking_item ON ranking_entries (item_id)",
    # An imported item's tracker key and labels (domain.backlog_import), added after the table.
    "ALTER TABLE backlog_items ADD COLUMN IF NOT EXISTS external_key text NOT NULL DEFAULT ''",
    "ALTER TABLE backlog_items ADD COLUMN IF NOT EXISTS labels text[] NOT NULL DEFAULT '{}'",
    # The team whose backlog the item is in (BacklogItem.TeamAssigned), added after the table.
    "ALTER TABLE backlog_items ADD COLUMN IF NOT EXISTS team text NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS backlog_items_ws_team ON backlog_items (workspace, team, seq)",
    # When the item last became DONE (NULL unless DONE): the quarterly review's items done in a
    # cycle (domain.reviews), added after the table.
    "ALTER TABLE backlog_items ADD COLUMN IF NOT EXISTS done_at timestamptz",
    "CREATE INDEX IF NOT EXISTS backlog_items_done ON backlog_items (workspace, done_at)"
    " WHERE done_at IS NOT NULL",
    # The completed reviews the last recalibration cited (domain.reviews.calibration), added
    # after the table.
    "ALTER TABLE workspaces ADD COLUMN IF NOT EXISTS evidence_review_ids uuid[] NOT NULL"
    " DEFAULT '{}'",
]


def arrays(types: Iterable[str]) -> str:
    """The parameters of an INSERT … SELECT FROM unnest: one binary array per column, cast."""
    return ", ".join(f"%b::{t}[]" for t in types)


# The columns the catalog writes in bulk, in the order it writes them, with their types: the
# casts of the INSERTs' arrays and the types of a rebuild's binary COPY come from here (one
# statement per batch or per recompute, not one per row).
ITEM_TYPES = {
    "id": "uuid", "workspace": "text", "seq": "int8", "title": "text", "description": "text",
    "kind": "text", "status": "text", "reach": "float8", "impact": "float8",
    "confidence": "float8", "effort": "float8", "rice_score": "float8",
    "business_value": "int4", "time_criticality": "int4", "risk_reduction": "int4",
    "job_size": "int4", "wsjf_score": "float8", "justification": "text", "version": "int4",
    "created_at": "timestamptz", "created_by": "text", "updated_at": "timestamptz",
    "team": "text", "external_key": "text", "done_at": "timestamptz",
}  # fmt: skip
TAG_TYPES = {
    "item_id": "uuid", "objective_id": "uuid", "workspace": "text", "key_result_id": "uuid",
    "tier": "text", "tagged_at": "timestamptz", "tagged_by": "text", "reason": "text",
}  # fmt: skip
ENTRY_TYPES = {
    "workspace": "text", "scope": "uuid", "method": "text", "item_id": "uuid",
    "base_score": "float8", "multiplier": "float8", "tier": "text", "priority": "float8",
    "eligible": "bool", "k_unscored": "int2", "k_priority": "float8", "k_base": "float8",
    "seq": "int8",
}  # fmt: skip
ENTRY_COLUMNS = ", ".join(ENTRY_TYPES)
INSERT_ENTRIES = (
    f"INSERT INTO ranking_entries ({ENTRY_COLUMNS})"
    f" SELECT * FROM unnest({arrays(ENTRY_TYPES.values())})"
)
