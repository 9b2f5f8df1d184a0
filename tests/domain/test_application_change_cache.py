"""`OkrankApplication.change` starts from this process's cache (domain.repository), in memory:
a command on an aggregate this process saved reads nothing from the store, and a cache left
behind by another writer never loses that writer's change nor refuses what the store's state
allows."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.application import project_aggregate

from okrank.domain.application import Actor, OkrankApplication
from okrank.domain.backlog.commands import (
    CreateBacklogItem,
    ScoreBacklogItem,
    TagBacklogItem,
    UntagBacklogItem,
)
from okrank.domain.errors import ConflictError, ValidationError
from okrank.domain.okrs.commands import ActivateObjective, AddKeyResult, CreateObjective
from okrank.domain.rankings.scoring import RiceInputs, Tier
from tests.support.save_attempts import save_attempts

OWNER = Actor("w", "owner")


def item_and_objective(app: OkrankApplication) -> tuple[Any, Any]:
    i = app.execute(OWNER, CreateBacklogItem("Search")).aggregate_id
    o = app.execute(OWNER, CreateObjective("2026-Q3", "Grow")).aggregate_id
    app.execute(OWNER, AddKeyResult(o, "users", 0, 1))
    app.execute(OWNER, ActivateObjective(o))
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(1, 1, 1, 1)))  # now cached as saved
    return i, o


def another_writer_tags(app: OkrankApplication, i: Any, o: Any) -> int:
    """A write this process's cache does not see, as another process's would be: the
    library's own load and save (a fresh copy; a save that leaves the cache as it was)."""
    other = app.repository.get(i)
    other.tag(o, None, Tier.DIRECT, "from the other process", "someone")
    app.save(other)
    return other.version


def another_writer_untags(app: OkrankApplication, i: Any, o: Any) -> int:
    """As `another_writer_tags`, the tag removed."""
    other = app.repository.get(i)
    other.untag(o, "not any more, says the other process", "someone")
    app.save(other)
    return other.version


def reads_of_item(app: OkrankApplication, i: Any) -> list[Any]:
    """Count the store reads of item `i`'s events from now on."""
    reads: list[Any] = []
    select = app.recorder.select_events

    def counted(originator_id: Any, *args: Any, **kwargs: Any) -> Any:
        if originator_id == i:
            reads.append(kwargs)
        return select(originator_id, *args, **kwargs)

    app.recorder.select_events = counted  # type: ignore[method-assign]
    return reads


def test_a_command_on_an_aggregate_this_process_saved_reads_nothing_from_the_store(app):
    i, _ = item_and_objective(app)
    reads = reads_of_item(app, i)
    for n in range(3):
        app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(2 + n, 1, 1, 1)))
    assert reads == []
    assert app.repository.get(i).rice == RiceInputs(4, 1, 1, 1)


def test_a_cache_behind_another_writer_keeps_that_writers_change(app):
    i, o = item_and_objective(app)
    theirs = another_writer_tags(app, i, o)
    result = app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(9, 1, 1, 1)))
    assert result.version == theirs + 1
    stored = app.repository.get(i)
    assert stored.tags[o].tier == Tier.DIRECT and stored.rice == RiceInputs(9, 1, 1, 1)
    # and the next command starts from what this one saved
    reads = reads_of_item(app, i)
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(10, 1, 1, 1)))
    assert reads == []


def test_the_expected_version_is_judged_on_the_stores_state_not_the_cache(app):
    i, o = item_and_objective(app)
    theirs = another_writer_tags(app, i, o)
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(9, 1, 1, 1), expected_version=theirs))
    assert app.repository.get(i).version == theirs + 1
    with pytest.raises(ConflictError) as stale:
        app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(8, 1, 1, 1), expected_version=theirs))
    assert stale.value.current_version == theirs + 1


def test_a_rule_refusing_on_the_cached_state_is_judged_again_on_the_stores(app):
    i, o = item_and_objective(app)
    another_writer_tags(app, i, o)  # the cache holds no tag: untagging would be refused there
    app.execute(OWNER, UntagBacklogItem(i, o, "not any more"))
    assert app.repository.get(i).tags == {}
    with pytest.raises(ValidationError):  # refused on the store's state too: nothing changes
        app.execute(OWNER, UntagBacklogItem(i, o, "again"))
    version = app.repository.get(i).version
    app.execute(OWNER, TagBacklogItem(i, o, Tier.INDIRECT, "back"))
    assert app.repository.get(i).version == version + 1


def test_loads_fold_events_to_the_state_the_librarys_projector_makes(app):
    i, o = item_and_objective(app)
    app.execute(OWNER, TagBacklogItem(i, o, Tier.DIRECT, "why"))
    app.repository.cache.get(i, evict=True)  # not cached: loaded from the store
    events = list(app.repository.event_store.get(i))
    assert vars(app.repository.get(i)) == vars(project_aggregate(None, events))
    assert vars(app.repository.from_store(i)) == vars(project_aggregate(None, events))


def test_a_command_on_an_aggregate_no_cache_holds_reads_it_once_then_starts_from_its_save(app):
    i, _ = item_and_objective(app)
    app.repository.cache.get(i, evict=True)
    reads = reads_of_item(app, i)
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(5, 1, 1, 1)))
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(6, 1, 1, 1)))
    assert len(reads) == 1
    assert app.repository.get(i).rice == RiceInputs(6, 1, 1, 1)


def test_a_cache_marked_behind_is_fast_forwarded_first_and_saves_once(app):
    """Unmarked, a cache behind another writer meets a conflict at its save and saves again;
    marked behind (the log showed the newer version), the command reads the newer events
    first and saves once."""
    i, o = item_and_objective(app)
    another_writer_tags(app, i, o)
    attempts = save_attempts(app)
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(7, 1, 1, 1)))
    assert len(attempts) == 2  # the cached state's save conflicted
    theirs = another_writer_untags(app, i, o)
    app.mark_behind(i, theirs)
    assert app.repository.is_behind(i)
    attempts.clear()
    reads = reads_of_item(app, i)
    result = app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(8, 1, 1, 1)))
    assert len(attempts) == 1 and len(reads) == 1  # one read of the newer events, one save
    assert result.version == theirs + 1
    stored = app.repository.get(i)
    assert stored.rice == RiceInputs(8, 1, 1, 1) and stored.tags == {}  # theirs kept too
    assert not app.repository.is_behind(i)  # what it saved is cached: the next reads nothing
    reads.clear()
    app.execute(OWNER, ScoreBacklogItem(i, RiceInputs(9, 1, 1, 1)))
    assert reads == []


def test_a_version_the_cache_already_holds_or_of_an_aggregate_it_does_not_hold_marks_nothing(
    app,
):
    i, _ = item_and_objective(app)
    app.mark_behind(i, app.repository.get(i).version)  # this process's own save, as logged
    assert not app.repository.is_behind(i)
    other = app.execute(OWNER, CreateBacklogItem("Other")).aggregate_id
    assert app.repository.cached(other) is None  # created, not yet changed: not cached
    app.mark_behind(other, 5)
    assert not app.repository.is_behind(other)
