"""The strategy view's tables: themes (with their moves), the objectives and items in each,
discovery objectives, health metrics with their readings, mission briefings with every version.

Rows of members, readings and versions carry no workspace of their own where their parent row
has it (a theme's, a metric's, a briefing's): reads join the parent, and a member's theme is
always of the member's workspace (the domain loads both in the actor's)."""

from __future__ import annotations

TABLES = {
    "themes": """
        CREATE TABLE IF NOT EXISTS themes (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            name text NOT NULL, description text NOT NULL, horizon text NOT NULL,
            team text NOT NULL, version int NOT NULL, created_at timestamptz NOT NULL,
            created_by text NOT NULL, updated_at timestamptz NOT NULL)""",
    "theme_moves": """
        CREATE TABLE IF NOT EXISTS theme_moves (
            position bigint PRIMARY KEY, theme_id uuid NOT NULL, horizon text NOT NULL,
            previous_horizon text NOT NULL, reason text NOT NULL, actor text NOT NULL,
            at timestamptz NOT NULL)""",
    # An objective (kind OBJECTIVE) or a backlog item (BACKLOG_ITEM) in a theme: one row each.
    "theme_members": """
        CREATE TABLE IF NOT EXISTS theme_members (
            member_id uuid PRIMARY KEY, kind text NOT NULL, theme_id uuid NOT NULL,
            seq bigint NOT NULL, set_at timestamptz NOT NULL, set_by text NOT NULL)""",
    "discovery_objectives": """
        CREATE TABLE IF NOT EXISTS discovery_objectives (
            objective_id uuid PRIMARY KEY, theme_id uuid NOT NULL,
            marked_at timestamptz NOT NULL, marked_by text NOT NULL)""",
    "health_metrics": """
        CREATE TABLE IF NOT EXISTS health_metrics (
            id uuid PRIMARY KEY, workspace text NOT NULL, seq bigint NOT NULL,
            team text NOT NULL, name text NOT NULL, unit text NOT NULL, direction text,
            green float8, amber float8, origin_objective_id uuid, origin_key_result_id uuid,
            status text, latest_value float8, last_recorded_at timestamptz,
            archived bool NOT NULL, version int NOT NULL, created_at timestamptz NOT NULL,
            created_by text NOT NULL, updated_at timestamptz NOT NULL)""",
    "health_readings": """
        CREATE TABLE IF NOT EXISTS health_readings (
            position bigint PRIMARY KEY, metric_id uuid NOT NULL, value float8, status text,
            explicit bool NOT NULL, note text NOT NULL, actor text NOT NULL,
            at timestamptz NOT NULL, metric_version int NOT NULL)""",
    "mission_briefings": """
        CREATE TABLE IF NOT EXISTS mission_briefings (
            id uuid PRIMARY KEY, workspace text NOT NULL, subject_id uuid NOT NULL UNIQUE,
            subject_kind text NOT NULL, version int NOT NULL)""",
    "mission_briefing_versions": """
        CREATE TABLE IF NOT EXISTS mission_briefing_versions (
            briefing_id uuid NOT NULL, version int NOT NULL, context text NOT NULL,
            higher_intent text NOT NULL, my_intent text NOT NULL,
            key_implied_tasks text[] NOT NULL, boundaries text[] NOT NULL,
            key_failure_indicators uuid[] NOT NULL, edited_at timestamptz NOT NULL,
            edited_by text NOT NULL, PRIMARY KEY (briefing_id, version))""",
}
INDEXES = [
    "CREATE INDEX IF NOT EXISTS themes_ws_seq ON themes (workspace, seq)",
    "CREATE INDEX IF NOT EXISTS theme_moves_theme ON theme_moves (theme_id, position DESC)",
    "CREATE INDEX IF NOT EXISTS theme_members_theme ON theme_members (theme_id, kind, seq)",
    "CREATE INDEX IF NOT EXISTS discovery_objectives_theme ON discovery_objectives (theme_id)",
    "CREATE INDEX IF NOT EXISTS health_metrics_ws_team ON health_metrics (workspace, team, seq)",
    "CREATE INDEX IF NOT EXISTS health_readings_metric"
    " ON health_readings (metric_id, position DESC)",
]
