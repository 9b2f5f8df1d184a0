"""Stored events outlive their classes' shapes: `BacklogItem.Created` gained the item's team
and `Workspace.MultipliersRecalibrated` the reviews it cites (class version 2 each); a version-1
event, exactly as the committed old store holds it, still loads through the library's upcasting
(`upcast_v1_v2`): as an item in no team's backlog, as a recalibration citing no review."""

from __future__ import annotations

import base64
import json
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import CreateBacklogItem
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.rankings.scoring import Multipliers
from okrank.domain.workspaces.commands import RecalibrateMultipliers
from okrank.domain.workspaces.workspace import Workspace, workspace_id
from tests.fixtures.make_old_store import OUT

CREATED = "domain.backlog_item:BacklogItem.Created"
RECALIBRATED = "domain.workspace:Workspace.MultipliersRecalibrated"


def old_created_event(topic: str = CREATED) -> StoredEvent:
    """The first version-1 event of `topic` in the committed old store, byte for byte."""
    with open(OUT / "okrank_events.jsonl") as f:
        rows = (json.loads(line) for line in f)
        row = next(r for r in rows if r["topic"] == topic)
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


def test_a_version_1_recalibration_loads_as_citing_no_review():
    stored = old_created_event(RECALIBRATED)
    assert b"class_version" not in stored.state and b"evidence" not in stored.state  # old shape
    app = OkrankApplication()
    event = app.mapper.to_domain_event(stored)
    assert isinstance(event, Workspace.MultipliersRecalibrated)
    assert (event.direct, event.evidence_review_ids) == (3.0, [])


def test_a_new_recalibration_is_stored_as_version_2_with_the_reviews_it_cites():
    app = OkrankApplication()
    app.execute(Actor("w", "admin"), RecalibrateMultipliers(Multipliers(3, 1, 0.5), "sharper"))
    (stored,) = app.recorder.select_events(workspace_id("w"))[-1:]
    state = json.loads(stored.state)
    assert (stored.topic, state["class_version"]) == (RECALIBRATED, 2)
    assert state["evidence_review_ids"] == []
