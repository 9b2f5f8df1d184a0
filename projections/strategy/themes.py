"""Strategy handlers of theme events, and of the objective and item events that place work in
a theme or mark a discovery objective."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Cursor

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.okrs.objective import Objective
from okrank.domain.themes.theme import Theme


def theme_created(curs: Cursor[Any], e: Theme.Created, pos: int) -> None:
    curs.execute(
        "INSERT INTO themes VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            e.originator_id,
            e.workspace,
            pos,
            e.name,
            e.description,
            e.horizon,
            e.team,
            e.originator_version,
            e.timestamp,
            e.actor,
            e.timestamp,
        ),
    )


def theme_moved(curs: Cursor[Any], e: Theme.Moved, pos: int) -> None:
    curs.execute(
        "UPDATE themes SET horizon = %s, version = %s, updated_at = %s WHERE id = %s",
        (e.horizon, e.originator_version, e.timestamp, e.originator_id),
    )
    curs.execute(
        "INSERT INTO theme_moves VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (pos, e.originator_id, e.horizon, e.previous_horizon, e.reason, e.actor, e.timestamp),
    )


def theme_renamed(curs: Cursor[Any], e: Theme.Renamed, pos: int) -> None:
    curs.execute(
        "UPDATE themes SET name = %s, description = %s, version = %s, updated_at = %s"
        " WHERE id = %s",
        (e.name, e.description, e.originator_version, e.timestamp, e.originator_id),
    )


def member_theme(kind: str) -> Callable[[Cursor[Any], Any, int], None]:
    """The handler of an objective's or item's ThemeSet: its one row, or none (no theme)."""

    def handle(curs: Cursor[Any], e: Any, pos: int) -> None:
        if e.theme_id is None:
            curs.execute("DELETE FROM theme_members WHERE member_id = %s", (e.originator_id,))
            return
        curs.execute(
            "INSERT INTO theme_members VALUES (%s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (member_id) DO UPDATE SET theme_id = excluded.theme_id,"
            " seq = excluded.seq, set_at = excluded.set_at, set_by = excluded.set_by",
            (e.originator_id, kind, e.theme_id, pos, e.timestamp, e.actor),
        )

    return handle


def discovery_marked(curs: Cursor[Any], e: Objective.DiscoveryMarked, pos: int) -> None:
    curs.execute(
        "INSERT INTO discovery_objectives VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (objective_id) DO UPDATE SET theme_id = excluded.theme_id,"
        " marked_at = excluded.marked_at, marked_by = excluded.marked_by",
        (e.originator_id, e.prepares_theme_id, e.timestamp, e.actor),
    )


HANDLERS: dict[type, Callable[[Cursor[Any], Any, int], None]] = {
    Theme.Created: theme_created,
    Theme.Moved: theme_moved,
    Theme.Renamed: theme_renamed,
    Objective.ThemeSet: member_theme("OBJECTIVE"),
    BacklogItem.ThemeSet: member_theme("BACKLOG_ITEM"),
    Objective.DiscoveryMarked: discovery_marked,
}
