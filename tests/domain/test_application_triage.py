"""Triage through `OkrankApplication.execute`, in memory: each triage records its cycle
(BacklogItem.Triaged) beside the status it implies, so a cycle's tagging session can count it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from okrank.domain.application import Actor
from okrank.domain.backlog.commands import CreateBacklogItem, TagBacklogItem, TriageBacklogItem
from okrank.domain.backlog.item import ItemStatus, TriageDecision
from okrank.domain.errors import ValidationError
from okrank.domain.okrs.commands import ActivateObjective, AddKeyResult, CreateObjective
from okrank.domain.okrs.cycles import current_quarter, quarter_of
from okrank.domain.rankings.scoring import Tier

OWNER = Actor("w", "owner")


def events(app, item_id):
    return [type(e).__name__ for e in app.repository.event_store.get(item_id)]


def test_a_triage_records_its_cycle_beside_the_status_change(app):
    i = app.execute(OWNER, CreateBacklogItem("Search")).aggregate_id
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.MAYBE, "learn", "2026-Q3"))
    saved = app.repository.get(i)
    assert (saved.status, saved.triages) == (ItemStatus.DISCOVERY, {"2026-Q3": "MAYBE"})
    triaged = list(app.repository.event_store.get(i))[-1]
    assert (triaged.cycle, triaged.decision, triaged.reason, triaged.actor) == (
        "2026-Q3",
        "MAYBE",
        "learn",
        "owner",
    )
    assert events(app, i) == ["Created", "StatusChanged", "Triaged"]


def test_a_new_cycles_triage_with_an_unchanged_status_is_recorded_and_a_repeat_is_refused(app):
    i = app.execute(OWNER, CreateBacklogItem("Search")).aggregate_id
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.NO, "", "2026-Q3"))
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.NO, "still no", "2026-Q4"))
    assert events(app, i) == ["Created", "StatusChanged", "Triaged", "Triaged"]
    with pytest.raises(ValidationError) as refused:
        app.execute(OWNER, TriageBacklogItem(i, TriageDecision.NO, "", "2026-Q4"))
    assert refused.value.path == ["decision"]
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.MAYBE, "changed our mind", "2026-Q4"))
    saved = app.repository.get(i)
    assert saved.triages == {"2026-Q3": "NO", "2026-Q4": "MAYBE"}
    assert saved.status == ItemStatus.DISCOVERY


def test_a_triage_without_a_cycle_is_for_the_current_quarter_and_a_bad_cycle_is_refused(app):
    i = app.execute(OWNER, CreateBacklogItem("Search")).aggregate_id
    before = current_quarter()
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.NO))
    assert set(app.repository.get(i).triages) <= {before, current_quarter()}
    for bad in ("2026-Q5", "Q3", ""):
        with pytest.raises(ValidationError) as refused:
            app.execute(OWNER, TriageBacklogItem(i, TriageDecision.MAYBE, "", bad))
        assert refused.value.path == ["cycle"]
    assert len(app.repository.get(i).triages) == 1  # nothing changed


def test_triage_yes_still_needs_a_tag_whatever_the_cycle(app):
    i = app.execute(OWNER, CreateBacklogItem("Search")).aggregate_id
    with pytest.raises(ValidationError):
        app.execute(OWNER, TriageBacklogItem(i, TriageDecision.YES, "", "2026-Q3"))
    o = app.execute(OWNER, CreateObjective("2026-Q3", "Grow")).aggregate_id
    app.execute(OWNER, AddKeyResult(o, "users", 0, 1))
    app.execute(OWNER, ActivateObjective(o))
    app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why"))
    app.execute(OWNER, TriageBacklogItem(i, TriageDecision.YES, "", "2026-Q3"))
    assert app.repository.get(i).triages == {"2026-Q3": "YES"}


def test_the_quarter_of_a_moment_is_taken_in_utc():
    assert quarter_of(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == "2026-Q1"
    assert quarter_of(datetime(2026, 4, 1, tzinfo=UTC)) == "2026-Q2"
    assert quarter_of(datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == "2026-Q4"
    assert quarter_of(datetime.fromisoformat("2027-01-01T00:30:00+01:00")) == "2026-Q4"
