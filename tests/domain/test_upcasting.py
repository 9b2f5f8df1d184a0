"""Stored events outlive their classes' shapes: `BacklogItem.Created` gained the item's team
(class version 2); a version-1 event, exactly as the committed old store holds it, still loads
through the library's upcasting (`upcast_v1_v2`), as an item in no team's backlog."""

from __future__ import annotations

import base64
import json
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import CreateBacklogItem
from okrank.domain.backlog.item import BacklogItem
from tests.fixtures.make_old_store import OUT

CREATED = "domain.backlog_item:BacklogItem.Created"


def old_created_event() -> StoredEvent:
    """The first version-1 Created event of the committed old store, byte for byte."""
    with open(OUT / "okrank_events.jsonl") as f:
        rows = (json.loads(line) for line in f)
        row = next(r for r in rows if r["topic"] == CREATED)
    return StoredEvent(
        originator_id=UUID(row["originator_id"]),
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=base64.b64decode(row["state"]),
    )


def test_a_version_1_created_event_loads_as_an_item_in_no_teams_backlog():
    stored = old_created_event()
    assert b"class_version" not in stored.state and b'"team"' not in stored.state  # old shape
    app = OkrankApplication()  # in memory
    event = app.mapper.to_domain_event(stored)
    assert isinstance(event, BacklogItem.Created) and event.team == ""
    app.recorder.insert_events([stored])
    item = app.repository.get(stored.originator_id)
    assert (item.title, item.team, item.version) == (event.title, "", 1)


def test_a_new_created_event_is_stored_as_version_2_with_its_team():
    app = OkrankApplication()
    ident = app.execute(Actor("w", "po"), CreateBacklogItem("Search", team="Growth")).aggregate_id
    (stored,) = app.recorder.select_events(ident)
    state = json.loads(stored.state)
    assert (stored.topic, state["class_version"], state["team"]) == (CREATED, 2, "Growth")
    assert app.repository.get(ident).team == "Growth"
