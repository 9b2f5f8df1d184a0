"""Strategy handlers of mission briefing events: the briefing and each of its versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg import Cursor

from okrank.domain.briefings.briefing import MissionBriefing


def _version(curs: Cursor[Any], e: Any) -> None:
    curs.execute(
        "INSERT INTO mission_briefing_versions VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            e.originator_id,
            e.originator_version,
            e.context,
            e.higher_intent,
            e.my_intent,
            list(e.key_implied_tasks),
            list(e.boundaries),
            list(e.key_failure_indicators),
            e.timestamp,
            e.actor,
        ),
    )


def briefing_created(curs: Cursor[Any], e: MissionBriefing.Created, pos: int) -> None:
    curs.execute(
        "INSERT INTO mission_briefings VALUES (%s, %s, %s, %s, %s)",
        (e.originator_id, e.workspace, e.subject_id, e.subject_kind, e.originator_version),
    )
    _version(curs, e)


def briefing_edited(curs: Cursor[Any], e: MissionBriefing.Edited, pos: int) -> None:
    curs.execute(
        "UPDATE mission_briefings SET version = %s WHERE id = %s",
        (e.originator_version, e.originator_id),
    )
    _version(curs, e)


HANDLERS: dict[type, Callable[[Cursor[Any], Any, int], None]] = {
    MissionBriefing.Created: briefing_created,
    MissionBriefing.Edited: briefing_edited,
}
