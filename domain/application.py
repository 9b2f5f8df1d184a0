"""The okrank application: its command methods are the only way to change state."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Transcoder
from eventsourcing.utils import get_topic

from okrank.domain.backlog.item import BacklogItem, ItemStatus, TriageDecision
from okrank.domain.backlog.tracker_import import BacklogImportCommands
from okrank.domain.errors import ConflictError, NotFoundError, ValidationError
from okrank.domain.exercises.commands import ExerciseCommands
from okrank.domain.okrs.objective import (
    Objective,
    ObjectiveLevel,
    ObjectiveStatus,
    optional_text,
    require_text,
    validate_cycle,
)
from okrank.domain.rankings.eligibility import is_eligible
from okrank.domain.rankings.scoring import Multipliers, RiceInputs, Tier, WsjfInputs
from okrank.domain.storable_text import StorableTextTranscoder
from okrank.domain.text import first_unstorable
from okrank.domain.workspaces.workspace import Workspace, workspace_id

log = logging.getLogger("okrank.application")

A = TypeVar("A", bound=Aggregate)

CONFLICT_RETRIES = 8
LOCK_STRIPES = 64  # in-process commands on one aggregate queue up instead of conflicting


@dataclass(frozen=True)
class Actor:
    """Who issues a command, and in which workspace."""

    workspace: str
    subject: str


@dataclass(frozen=True)
class CommandResult:
    """What a command changed: enough for the caller to wait for the read models."""

    aggregate_id: UUID
    version: int
    position: int | None  # notification id of the last event recorded, None if nothing changed
    topics: frozenset[str]


class OkrankApplication(BacklogImportCommands, ExerciseCommands, Application[UUID]):
    name = "okrank"
    # Long-lived items accumulate tag and score events: snapshots keep `get` cheap.
    snapshotting_intervals = {BacklogItem: 100, Objective: 100, Workspace: 100}
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

    def construct_transcoder(self) -> Transcoder:
        # Events stored with NUL or lone surrogates are read with U+FFFD (domain.storable_text).
        transcoder = StorableTextTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    # --- helpers ---

    def _load(self, cls: type[A], ident: UUID, actor: Actor, kind: str) -> A:
        try:
            aggregate = self.repository.get(ident)
        except AggregateNotFoundError:
            raise NotFoundError(kind, str(ident)) from None
        # Another workspace's aggregate is indistinguishable from a missing one.
        if not isinstance(aggregate, cls) or getattr(aggregate, "workspace", None) != (
            actor.workspace
        ):
            raise NotFoundError(kind, str(ident))
        return aggregate

    def _change(
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
        retrying with a jittered backoff."""
        with self._stripes[ident.int % LOCK_STRIPES]:
            for attempt in range(CONFLICT_RETRIES):
                aggregate = self._load(cls, ident, actor, kind)
                if expected_version is not None and aggregate.version != expected_version:
                    raise ConflictError(
                        f"{kind} is at version {aggregate.version}, not {expected_version}",
                        current_version=aggregate.version,
                    )
                mutate(aggregate)
                try:
                    return self._save(aggregate)
                except IntegrityError:
                    if expected_version is not None or attempt == CONFLICT_RETRIES - 1:
                        current = self._load(cls, ident, actor, kind).version
                        raise ConflictError(
                            f"{kind} was changed concurrently", current_version=current
                        ) from None
                    time.sleep(random.uniform(0, 0.002 * 2**attempt))
        raise AssertionError("unreachable")

    def _save(self, aggregate: Aggregate) -> CommandResult:
        recordings = self.save(aggregate)
        return CommandResult(
            aggregate_id=aggregate.id,
            version=aggregate.version,
            position=max((r.notification.id for r in recordings), default=None),
            topics=frozenset(get_topic(type(r.domain_event)) for r in recordings),
        )

    def _open_objective(self, ident: UUID, actor: Actor) -> Objective:
        objective = self._load(Objective, ident, actor, "Objective")
        if not objective.is_open:
            raise ValidationError(
                "objectiveId", f"objective is {objective.status.value}; tags need an open objective"
            )
        return objective

    def _exists(self, ident: UUID) -> bool:
        try:
            self.repository.get(ident)
        except AggregateNotFoundError:
            return False
        return True

    # --- objectives ---

    def create_objective(
        self,
        actor: Actor,
        cycle: str,
        title: str,
        description: str | None = None,
        level: str = "TEAM",
        team: str | None = None,
        parent_id: UUID | None = None,
    ) -> CommandResult:
        cycle = validate_cycle(cycle)
        title = require_text("title", title, 200)
        description = optional_text("description", description, 10_000)
        team = optional_text("team", team, 100)
        try:
            level = ObjectiveLevel(level).value
        except ValueError:
            raise ValidationError("level", f"unknown level {level!r}") from None
        if parent_id is not None:
            parent = self._load(Objective, parent_id, actor, "Objective")
            if parent.status == ObjectiveStatus.ARCHIVED:
                raise ValidationError("parentId", "cannot align to an archived objective")
        objective = Objective(
            workspace=actor.workspace,
            cycle=cycle,
            title=title,
            description=description,
            level=level,
            team=team,
            parent_id=parent_id,
            actor=actor.subject,
        )
        return self._save(objective)

    def add_key_result(
        self,
        actor: Actor,
        objective_id: UUID,
        metric: str,
        baseline: float,
        target: float,
        unit: str | None = None,
        output_style: bool = False,
        expected_version: int | None = None,
    ) -> CommandResult:
        key_result_id = uuid4()
        return self._change(
            Objective,
            objective_id,
            actor,
            "Objective",
            expected_version,
            lambda o: o.add_key_result(
                key_result_id, metric, unit or "", baseline, target, output_style, actor.subject
            ),
        )

    def activate_objective(
        self, actor: Actor, objective_id: UUID, expected_version: int | None = None
    ) -> CommandResult:
        return self._change(
            Objective,
            objective_id,
            actor,
            "Objective",
            expected_version,
            lambda o: o.activate(actor.subject),
        )

    def close_objective(
        self, actor: Actor, objective_id: UUID, expected_version: int | None = None
    ) -> CommandResult:
        return self._change(
            Objective,
            objective_id,
            actor,
            "Objective",
            expected_version,
            lambda o: o.close(actor.subject),
        )

    # --- backlog items ---

    def create_backlog_item(
        self, actor: Actor, title: str, description: str | None = None, kind: str = "FEATURE"
    ) -> CommandResult:
        title, description, kind = BacklogItem.validated_fields(title, description, kind)
        item = BacklogItem(
            workspace=actor.workspace,
            title=title,
            description=description,
            kind=kind,
            actor=actor.subject,
        )
        return self._save(item)

    def update_backlog_item(
        self,
        actor: Actor,
        item_id: UUID,
        title: str | None = None,
        description: str | None = None,
        kind: str | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.update(title, description, kind, actor.subject),
        )

    def score_backlog_item(
        self,
        actor: Actor,
        item_id: UUID,
        rice: RiceInputs | None = None,
        wsjf: WsjfInputs | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.score(rice, wsjf, actor.subject),
        )

    def _check_key_result(self, objective: Objective, key_result_id: UUID | None) -> None:
        if key_result_id is not None and objective.key_result(key_result_id) is None:
            raise ValidationError("keyResultId", "key result does not belong to the objective")

    def tag_backlog_item(
        self,
        actor: Actor,
        item_id: UUID,
        objective_id: UUID,
        tier: Tier,
        reason: str,
        key_result_id: UUID | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        objective = self._open_objective(objective_id, actor)
        self._check_key_result(objective, key_result_id)
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.tag(objective_id, key_result_id, tier, reason, actor.subject),
        )

    def retag_backlog_item(
        self,
        actor: Actor,
        item_id: UUID,
        objective_id: UUID,
        tier: Tier,
        reason: str,
        key_result_id: UUID | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        objective = self._open_objective(objective_id, actor)
        self._check_key_result(objective, key_result_id)
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.retag(objective_id, key_result_id, tier, reason, actor.subject),
        )

    def untag_backlog_item(
        self,
        actor: Actor,
        item_id: UUID,
        objective_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        # Untagging from a closed objective is allowed: it is how items are re-groomed.
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.untag(objective_id, reason, actor.subject),
        )

    def justify_non_strategic(
        self, actor: Actor, item_id: UUID, justification: str, expected_version: int | None = None
    ) -> CommandResult:
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.justify_non_strategic(justification, actor.subject),
        )

    def triage_backlog_item(
        self,
        actor: Actor,
        item_id: UUID,
        decision: TriageDecision,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change(
            BacklogItem,
            item_id,
            actor,
            "BacklogItem",
            expected_version,
            lambda i: i.triage(decision, reason, actor.subject),
        )

    def change_backlog_item_status(
        self,
        actor: Actor,
        item_id: UUID,
        status: ItemStatus,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        def mutate(item: BacklogItem) -> None:
            if status == ItemStatus.PLANNED and not self.is_eligible(actor, item):
                raise ValidationError(
                    "status",
                    "only eligible items can be planned: tag it to an active objective or "
                    "justify it as necessary but non-strategic",
                )
            item.change_status(status, reason, actor.subject)

        return self._change(BacklogItem, item_id, actor, "BacklogItem", expected_version, mutate)

    def is_eligible(self, actor: Actor, item: BacklogItem) -> bool:
        active = (
            self._load(Objective, objective_id, actor, "Objective").status == ObjectiveStatus.ACTIVE
            for objective_id in item.tags
        )
        return is_eligible(bool(item.justification), active)

    # --- workspace ---

    def recalibrate_multipliers(
        self,
        actor: Actor,
        multipliers: Multipliers,
        reason: str,
        expected_version: int | None = None,
    ) -> CommandResult:
        reason = require_text("reason", reason, 2_000)
        ident = workspace_id(actor.workspace)
        if not self._exists(ident):
            if expected_version is not None and expected_version != 0:
                raise ConflictError("workspace has no recalibration yet", current_version=0)
            workspace = Workspace(name=actor.workspace, actor=actor.subject)
            workspace.recalibrate(multipliers, reason, actor.subject)
            try:
                return self._save(workspace)
            except IntegrityError:
                pass  # created concurrently: fall through to the ordinary change
        return self._change(
            Workspace,
            ident,
            actor,
            "Workspace",
            expected_version,
            lambda w: w.recalibrate(multipliers, reason, actor.subject),
        )
