"""Reading and tampering with the stored event log as someone with database access would."""

from __future__ import annotations

import psycopg


def positions(url: str, workspace: str) -> list[int]:
    """The workspace's events in the log, found independently of the chain: each aggregate's
    Created event names its workspace."""
    with psycopg.connect(url) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT e.notification_id FROM okrank_events e WHERE e.originator_id IN ("
                " SELECT originator_id FROM okrank_events c WHERE c.originator_version = 1"
                " AND (convert_from(c.state, 'UTF8')::jsonb ->> 'workspace' = %s"
                " OR convert_from(c.state, 'UTF8')::jsonb ->> 'name' = %s))"
                " ORDER BY e.notification_id",
                (workspace, workspace),
            )
        ]


def edit(old: str, new: str) -> str:
    """An UPDATE of one stored event's JSON text (for `WHERE notification_id = %s`)."""
    return (
        "UPDATE okrank_events SET state = convert_to(replace(convert_from(state, 'UTF8'),"
        f" '{old}', '{new}'), 'UTF8')"
    )
