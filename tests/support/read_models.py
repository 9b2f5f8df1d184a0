"""The projections' read models as rows, and waiting for them to catch up with the event store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from okrank.projections.engine.runner import VIEWS, Projections
from tests.support.paths import ROOT
from tests.support.waiting import wait_until

TABLES = {
    "workspaces": "id",
    "objectives": "id",
    "key_results": "id",
    "key_result_check_ins": "id",
    "backlog_items": "id",
    "item_tags": "item_id, objective_id",
    "item_triages": "item_id, cycle",
    "ranking_entries": "workspace, scope, method, item_id",
    "coverage_classes": "workspace, team, cycle, direct, indirect, justified, has_rice, has_wsjf",
    "coverage_objectives": "workspace, team, objective_id, tier, has_rice, has_wsjf",
    "sprints": "id",
    "sprint_items": "sprint_id, item_id",
    "zombie_thresholds": "workspace",
    "tag_events": "position",
    "ranking_changes": "position, ordinal",
    "okr_changes": "position, ordinal",
    "exercises": "id",
    "exercise_candidates": "exercise_id, item_id",
    "exercise_participants": "exercise_id, subject",
    "exercise_history": "position",
    "exercise_results": "exercise_id, segment, item_id",
    "exercise_groups": "exercise_id, segment",
    "exercise_respondents": "exercise_id, respondent",
    "themes": "id",
    "theme_moves": "position",
    "theme_members": "member_id",
    "discovery_objectives": "objective_id",
    "health_metrics": "id",
    "health_readings": "position",
    "mission_briefings": "id",
    "mission_briefing_versions": "briefing_id, version",
}


def snapshot(
    url: str, schema: str | None = None, without: frozenset[str] = frozenset()
) -> dict[str, list[tuple[Any, ...]]]:
    """Every read model table's rows (those of `schema` if given, e.g. a replay's)."""
    with psycopg.connect(url) as conn:
        if schema is not None:
            conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(schema)))
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall()
            for t, key in TABLES.items()
            if t not in without
        }


def tracked(conn: psycopg.Connection, view_name: str) -> tuple[int] | None:
    """A view's tracking row, or None before the view's tables exist."""
    try:
        return conn.execute(
            f"SELECT notification_id FROM {view_name}_tracking WHERE application_name = 'okrank'"
        ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None


def wait_caught_up(url: str, timeout: float = 20) -> None:
    """Until each view has processed the last event of the types it handles."""
    with psycopg.connect(url, autocommit=True) as conn:

        def behind() -> dict[str, tuple[int, int]]:
            """Each view still short of its last event: (that event's position, the view's)."""
            lagging = {}
            for _, view in VIEWS:
                target = conn.execute(
                    "SELECT max(notification_id) FROM okrank_events WHERE topic = ANY(%b)",
                    (list(view.topics()),),
                ).fetchone()
                done = tracked(conn, view.view_name)
                if (target[0] or 0) > (done[0] if done else 0):
                    lagging[view.view_name] = (target[0], done[0] if done else 0)
            return lagging

        try:
            wait_until(lambda: not behind(), timeout, "projections to catch up")
        except AssertionError as exc:  # say which view stayed behind, and where
            raise AssertionError(f"{exc}; (last event, view position): {behind()}") from None


@contextmanager
def running_projections(url: str, **options: Any) -> Iterator[Projections]:
    """The projections (`Projections(url, **options)`) running in this process for the block,
    stopped after it."""
    projections = Projections(url, **options)
    projections.start()
    try:
        yield projections
    finally:
        projections.stop()


def project_until_caught_up(url: str) -> None:
    """Run the projections until they have caught up with the event store, then stop them."""
    with running_projections(url):
        wait_caught_up(url)


def rebuild_command(url: str) -> subprocess.CompletedProcess[str]:
    """`okrank rebuild` run as a command on the database at `url` (its output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "okrank.api.cli", "rebuild"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
