"""The catalog's sprint tables: sprints, the items planned into each (with an override's reason
and, once closed, each item's outcome), and each workspace's zombie thresholds. In the catalog
because the sprint review and the zombie list join them with items, tags and key results."""

from __future__ import annotations

TABLES = {
    "sprints": """
        CREATE TABLE IF NOT EXISTS sprints (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            team text NOT NULL, cycle text NOT NULL, start_date date NOT NULL,
            end_date date NOT NULL, goal text NOT NULL, goal_objective_id uuid NOT NULL,
            goal_key_result_id uuid NOT NULL, status text NOT NULL,
            started_at timestamptz, closed_at timestamptz,
            version int NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL,
            updated_at timestamptz NOT NULL)""",
    # outcome: NULL while the sprint runs, then DONE or CARRIED_OVER (Sprint.Closed).
    "sprint_items": """
        CREATE TABLE IF NOT EXISTS sprint_items (
            sprint_id uuid NOT NULL, item_id uuid NOT NULL, workspace text NOT NULL,
            seq bigint NOT NULL, planned_at timestamptz NOT NULL, planned_by text NOT NULL,
            override_reason text NOT NULL, outcome text,
            PRIMARY KEY (sprint_id, item_id))""",
    "zombie_thresholds": """
        CREATE TABLE IF NOT EXISTS zombie_thresholds (
            workspace text PRIMARY KEY, sprints int NOT NULL, cycles int NOT NULL,
            reason text NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL,
            updated_by text NOT NULL)""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS sprints_team ON sprints (workspace, team, cycle, seq)",
    "CREATE INDEX IF NOT EXISTS sprint_items_item ON sprint_items (workspace, item_id)",
]
