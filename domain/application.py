"""The okrank application: `execute(actor, command)` is the only way to change state.

Every command (a frozen dataclass of `domain/<concept>/commands.py`) goes to its concept's
handler (`domain/<concept>/handlers.py`) through the one table below; the handler loads, changes
and saves through this application's `Aggregates` methods, and every save passes `_record`'s
guard. The methods named after each command (`app.create_objective(actor, …)`) take the
command's fields and run `execute`: a shorthand for scripts and tests, not another path."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Transcoder

from okrank.domain.backlog import commands as backlog
from okrank.domain.backlog import handlers as backlog_handlers
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.briefings import commands as briefings
from okrank.domain.briefings import handlers as briefing_handlers
from okrank.domain.commands import A, Actor, Command, CommandResult, Handler, result_of
from okrank.domain.errors import ConflictError, DomainError, NotFoundError, ValidationError
from okrank.domain.exercises import commands as exercises
from okrank.domain.exercises import handlers as exercise_handlers
from okrank.domain.health import commands as health
from okrank.domain.health import handlers as health_handlers
from okrank.domain.many_aggregates import load_many
from okrank.domain.okrs import commands as okrs
from okrank.domain.okrs import handlers as okr_handlers
from okrank.domain.okrs.objective import Objective
from okrank.domain.repository import TrustingRepository
from okrank.domain.reviews import handlers as review_handlers
from okrank.domain.reviews.review import QuarterlyReview
from okrank.domain.sprints import commands as sprints
from okrank.domain.sprints import handlers as sprint_handlers
from okrank.domain.sprints.sprint import Sprint
from okrank.domain.storable_text import StorableTextTranscoder
from okrank.domain.text import first_unstorable
from okrank.domain.themes import commands as themes
from okrank.domain.themes import handlers as theme_handlers
from okrank.domain.workspaces import commands as workspaces
from okrank.domain.workspaces import handlers as workspace_handlers
from okrank.domain.workspaces.workspace import Workspace

log = logging.getLogger("okrank.application")

CONFLICT_RETRIES = 8
LOCK_STRIPES = 64  # in-process commands on one aggregate queue up instead of conflicting


# Which handler runs each command: one table, filled by each concept.
HANDLERS: dict[type[Command], Handler] = {
    **okr_handlers.HANDLERS,
    **backlog_handlers.HANDLERS,
    **exercise_handlers.HANDLERS,
    **workspace_handlers.HANDLERS,
    **sprint_handlers.HANDLERS,
    **health_handlers.HANDLERS,
    **theme_handlers.HANDLERS,
    **briefing_handlers.HANDLERS,
    **review_handlers.HANDLERS,
}
__all__ = ["Actor", "CommandResult", "OkrankApplication"]


def shorthand(command: type[Command]) -> Callable[..., Any]:
    """`app.<name>(actor, *fields, **fields)`: build the command and execute it."""

    def method(self: OkrankApplication, actor: Actor, *args: Any, **kwargs: Any) -> Any:
        return self.execute(actor, command(*args, **kwargs))

    method.__doc__ = f"Execute {command.__name__}: {command.__doc__ or ''}".strip()
    return method


class OkrankApplication(Application[UUID]):
    name = "okrank"
    # Long-lived items accumulate tag and score events: snapshots keep `get` cheap.
    # A review's audits are large (about 1 MB for 2,000 done items): snapshot it often, so a
    # command replays few of them.
    snapshotting_intervals = {
        BacklogItem: 100,
        Objective: 100,
        Workspace: 100,
        Sprint: 100,
        QuarterlyReview: 10,
    }
    env = {
        "AGGREGATE_CACHE_MAXSIZE": "20000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",  # other processes may have written since
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",  # a failed command must not dirty the cache
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]

    # --- what every save goes through ---

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        """The last line before the store: an event holding a value the read models cannot
        store (NUL, a lone surrogate, a non-finite number) would stop a projection for every
        workspace. Commands validate before they emit; this refuses whatever slipped past."""
        for event in processing_event.events:
            state = {k: v for k, v in vars(event).items() if not k.startswith("originator_")}
            problem = first_unstorable(state)
            if problem is not None:
                path, message = problem
                log.error("refused to store %s: %s %s", type(event).__qualname__, path, message)
                raise ValidationError(path, f"{'.'.join(path)} {message}")
        return super()._record(processing_event)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshots only make loading cheaper: the events are already committed, so a failed
        snapshot is logged and must never fail (or look like a failure of) the command."""
        try:
            super()._take_snapshots(processing_event)
        except Exception:
            log.exception("snapshot failed after commit (the events are stored)")

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, with a cache read for `change` (domain.repository)."""
        library = super().construct_repository()
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return TrustingRepository(
            event_store=library.event_store,
            snapshot_store=library.snapshot_store,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=library.fastforward,
            fastforward_skipping=library.fastforward_skipping,
            deepcopy_from_cache=library.deepcopy_from_cache,
        )

    def construct_transcoder(self) -> Transcoder:
        # Events stored with NUL or lone surrogates are read with U+FFFD (domain.storable_text).
        transcoder = StorableTextTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    # --- the one command path ---

    def execute(self, actor: Actor, command: Command) -> Any:
        """Run a command: its handler loads, changes and saves; a refused command (a
        DomainError) has changed nothing. Answers a CommandResult (an import's, with counts)."""
        try:
            handler = HANDLERS[type(command)]
        except KeyError:
            raise TypeError(f"no handler for {type(command).__name__}") from None
        return handler(self, actor, command)

    # --- what handlers may do (domain.commands.Aggregates) ---

    def load(self, cls: type[A], ident: UUID, actor: Actor, kind: str) -> A:
        return _owned(self.find(ident), cls, ident, actor, kind)

    def find(self, ident: UUID) -> Aggregate | None:
        try:
            return self.repository.get(ident)
        except AggregateNotFoundError:
            return None

    def find_many(self, idents: Sequence[UUID]) -> dict[UUID, Aggregate]:
        return load_many(self.recorder, self.mapper, idents, self.find)

    def change(
        self,
        cls: type[A],
        ident: UUID,
        actor: Actor,
        kind: str,
        expected_version: int | None,
        mutate: Callable[[A], Any],
    ) -> CommandResult:
        """Load, check the expected version, mutate and save; retry on a concurrent write.

        Commands on one aggregate are serialised within this process (many participants
        submitting ballots to one exercise at once); writers in other processes are met by
        retrying with a jittered backoff. The aggregate comes from this process's cache as it
        last saved it (domain.repository): a save that meets another process's write, or a
        refusal judged on the cached state, is tried again on the store's state, so nothing is
        refused or lost because the cache was behind."""
        repository: TrustingRepository = self.repository  # type: ignore[assignment]
        with self._stripes[ident.int % LOCK_STRIPES]:
            # Whether this attempt's state was read from the store; from the start when the
            # log showed another process's newer write (domain.repository: mark_behind).
            fresh = repository.is_behind(ident)
            for attempt in range(CONFLICT_RETRIES):
                if fresh:  # the cache and what was written since (the library's get)
                    aggregate = self.load(cls, ident, actor, kind)
                elif (cached := repository.cached(ident)) is not None:
                    aggregate = _owned(cached, cls, ident, actor, kind)
                else:  # not cached: the store's state, cached once saved
                    aggregate = _owned(repository.from_store(ident), cls, ident, actor, kind)
                    fresh = True
                try:
                    if expected_version is not None and aggregate.version != expected_version:
                        raise ConflictError(
                            f"{kind} is at version {aggregate.version}, not {expected_version}",
                            current_version=aggregate.version,
                        )
                    mutate(aggregate)
                except DomainError:
                    if fresh:
                        raise
                    fresh = True  # judged on the cache: judge again on the store's state
                    continue
                try:
                    result = self.save_new(aggregate)
                except IntegrityError:
                    if not fresh:  # the cache was behind another process's write
                        fresh = True
                        continue
                    if expected_version is not None or attempt == CONFLICT_RETRIES - 1:
                        current = self.load(cls, ident, actor, kind).version
                        raise ConflictError(
                            f"{kind} was changed concurrently", current_version=current
                        ) from None
                    time.sleep(random.uniform(0, 0.002 * 2**attempt))
                    continue
                repository.remember(aggregate)
                return result
        raise AssertionError("unreachable: the last attempt raises or returns")

    def mark_behind(self, ident: UUID, version: int) -> None:
        """The store holds `version` of the aggregate (another process may have written it):
        a cache holding an older one is fast-forwarded before the next command on it."""
        repository: TrustingRepository = self.repository  # type: ignore[assignment]
        repository.mark_behind(ident, version)

    def save_new(self, aggregate: Aggregate) -> CommandResult:
        return result_of(aggregate, self.save(aggregate))

    def save_together(self, *aggregates: Aggregate) -> list[Any]:
        return self.save(*aggregates)

    def exists(self, ident: UUID) -> bool:
        return self.find(ident) is not None

    # --- shorthands: app.<command>(actor, *fields) ---

    create_objective = shorthand(okrs.CreateObjective)
    add_key_result = shorthand(okrs.AddKeyResult)
    activate_objective = shorthand(okrs.ActivateObjective)
    close_objective = shorthand(okrs.CloseObjective)
    check_in_key_result = shorthand(okrs.CheckInKeyResult)
    create_backlog_item = shorthand(backlog.CreateBacklogItem)
    update_backlog_item = shorthand(backlog.UpdateBacklogItem)
    score_backlog_item = shorthand(backlog.ScoreBacklogItem)
    tag_backlog_item = shorthand(backlog.TagBacklogItem)
    retag_backlog_item = shorthand(backlog.RetagBacklogItem)
    untag_backlog_item = shorthand(backlog.UntagBacklogItem)
    justify_non_strategic = shorthand(backlog.JustifyNonStrategic)
    triage_backlog_item = shorthand(backlog.TriageBacklogItem)
    change_backlog_item_status = shorthand(backlog.ChangeBacklogItemStatus)
    import_backlog_items = shorthand(backlog.ImportBacklogItems)
    recalibrate_multipliers = shorthand(workspaces.RecalibrateMultipliers)
    set_check_in_interval = shorthand(workspaces.SetCheckInInterval)
    set_zombie_thresholds = shorthand(workspaces.SetZombieThresholds)
    create_sprint = shorthand(sprints.CreateSprint)
    plan_sprint_item = shorthand(sprints.PlanSprintItem)
    unplan_sprint_item = shorthand(sprints.UnplanSprintItem)
    start_sprint = shorthand(sprints.StartSprint)
    close_sprint = shorthand(sprints.CloseSprint)
    create_exercise = shorthand(exercises.CreateExercise)
    add_exercise_candidate = shorthand(exercises.AddExerciseCandidate)
    withdraw_exercise_candidate = shorthand(exercises.WithdrawExerciseCandidate)
    price_exercise_candidate = shorthand(exercises.PriceExerciseCandidate)
    invite_participant = shorthand(exercises.InviteParticipant)
    invite_participants = shorthand(exercises.InviteParticipants)
    open_exercise = shorthand(exercises.OpenExercise)
    submit_ballot = shorthand(exercises.SubmitBallot)
    close_exercise = shorthand(exercises.CloseExercise)
    exclude_respondent = shorthand(exercises.ExcludeRespondent)
    reinstate_respondent = shorthand(exercises.ReinstateRespondent)
    set_exercise_auto_close = shorthand(exercises.SetExerciseAutoClose)
    reopen_exercise = shorthand(exercises.ReopenExercise)
    import_maxdiff_responses = shorthand(exercises.ImportMaxDiffResponses)
    create_health_metric = shorthand(health.CreateHealthMetric)
    record_health_metric = shorthand(health.RecordHealthMetric)
    archive_health_metric = shorthand(health.ArchiveHealthMetric)
    create_theme = shorthand(themes.CreateTheme)
    move_theme = shorthand(themes.MoveTheme)
    rename_theme = shorthand(themes.RenameTheme)
    set_objective_theme = shorthand(themes.SetObjectiveTheme)
    set_backlog_item_theme = shorthand(themes.SetBacklogItemTheme)
    mark_discovery_objective = shorthand(themes.MarkDiscoveryObjective)
    edit_mission_briefing = shorthand(briefings.EditMissionBriefing)


def _owned(aggregate: Aggregate | None, cls: type[A], ident: UUID, actor: Actor, kind: str) -> A:
    """The aggregate if it is a `cls` of the actor's workspace; another workspace's aggregate
    is indistinguishable from a missing one."""
    if not isinstance(aggregate, cls) or getattr(aggregate, "workspace", None) != (actor.workspace):
        raise NotFoundError(kind, str(ident))
    return aggregate
