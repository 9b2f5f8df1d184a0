"""Writing events the way code before input validation stored them, and repairing one."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application, ProcessingEvent

from okrank.domain.application import OkrankApplication
from okrank.domain.backlog.item import BacklogItem
from tests.support.waiting import wait_until

TOO_BIG = 10**20  # no PostgreSQL int column holds it: the catalog can never apply the event


def record(app: OkrankApplication, item_id: UUID, trigger: Any) -> int:
    """Trigger an event on the item past its command's validation and past the application's
    last-line guard (as code before both stored it); its log position."""
    item = app.repository.get(item_id)
    assert isinstance(item, BacklogItem)
    trigger(item)
    processing = ProcessingEvent()
    processing.collect_events(item)
    recordings = Application._record(app, processing)  # the library's, without okrank's guard
    return recordings[-1].notification.id


def nul_title(app: OkrankApplication, item_id: UUID, title: str = "evil\x00title") -> int:
    return record(
        app, item_id, lambda i: i._updated(title=title, description="", kind="FEATURE", actor="x")
    )


def out_of_range_score(app: OkrankApplication, item_id: UUID) -> int:
    return record(
        app,
        item_id,
        lambda i: i._wsjf_scored(
            business_value=TOO_BIG, time_criticality=1, risk_reduction=1, job_size=1, actor="x"
        ),
    )


def repair_score(url: str, position: int) -> None:
    """Stand in for a repaired event: the stored value made one the read model can hold."""
    with psycopg.connect(url) as conn:
        (state,) = conn.execute(
            "SELECT state FROM okrank_events WHERE notification_id = %s", (position,)
        ).fetchone()
        fixed = {**json.loads(bytes(state)), "business_value": 5}
        conn.execute(
            "UPDATE okrank_events SET state = %s WHERE notification_id = %s",
            (json.dumps(fixed).encode(), position),
        )


def status_row(url: str, view_name: str) -> tuple[Any, ...] | None:
    with psycopg.connect(url) as conn:
        try:
            return conn.execute(
                "SELECT position, topic, reason, checks FROM projection_status"
                " WHERE view_name = %s",
                (view_name,),
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return None


def wait_for(condition: Any, what: str, timeout: float = 30) -> Any:
    """Poll `condition` until it returns something truthy, or fail after `timeout`."""
    return wait_until(condition, timeout, what)
