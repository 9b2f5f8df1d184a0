"""Importing backlog items from a tracker's CSV export (the file format: domain.backlog_csv).

Identity: an imported item's aggregate id is derived from (workspace, external key), so a
re-import finds the items it made. A re-import makes each item match its row: title,
description, kind and labels are replaced when they differ (Updated, ImportRecorded); RICE and
WSJF inputs are scored when given and different; a given objective is tagged, or retagged when
the tier differs. Nothing given is ever cleared (a blank score or objective cell leaves the
item's alone), statuses are never changed and items missing from the file are left as they
are. A row that changes nothing counts as unchanged and emits nothing. Keys match exactly
(PROJ-1 and proj-1 are two items).

Every row, and every objective named, is checked before anything is emitted; all the items'
events are then saved in one transaction, so a file imports completely or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from okrank.domain.backlog.commands import ImportBacklogItems
from okrank.domain.backlog.item import BacklogItem
from okrank.domain.backlog.tracker_csv import BacklogRow, parse_backlog_csv
from okrank.domain.bounds import MAX_IMPORT_BYTES
from okrank.domain.commands import Actor, Aggregates
from okrank.domain.csv_import import CsvRowError, raise_bad_rows
from okrank.domain.errors import ConflictError, DomainError, ValidationError
from okrank.domain.okrs.handlers import open_objective
from okrank.domain.text import check_storable
from okrank.domain.workspaces.workspace import workspace_id


def backlog_item_id(workspace: str, external_key: str) -> UUID:
    """The aggregate id of the item imported under `external_key` in `workspace`."""
    # JSON keeps the two apart: workspace "a:b" with key "c" is not workspace "a" with "b:c".
    return uuid5(NAMESPACE_URL, "okrank:backlog-item:" + json.dumps([workspace, external_key]))


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class BacklogImportResult:
    """A CommandResult (the same fields, for waiting on the read models) with the counts.
    aggregate_id is the workspace's; position is None if nothing changed."""

    aggregate_id: UUID
    version: int
    position: int | None
    topics: frozenset[str]
    counts: ImportCounts


def import_backlog_items(
    store: Aggregates, actor: Actor, command: ImportBacklogItems
) -> BacklogImportResult:
    csv_text, mapping, objective_ref = command.csv_text, command.mapping, command.objective_ref
    check_storable("csv", csv_text)
    if len(csv_text.encode()) > MAX_IMPORT_BYTES:
        raise ValidationError("csv", "the file is larger than 20 MiB")
    rows = (
        parse_backlog_csv(csv_text, mapping)
        if objective_ref is None
        else parse_backlog_csv(csv_text, mapping, objective_ref)
    )
    _check_objectives(store, actor, rows)
    idents = [backlog_item_id(actor.workspace, row.key) for row in rows]
    # One query per few thousand ids, not two round trips per row (a snapshot, then events).
    existing = store.find_many(idents)
    changed: list[BacklogItem] = []
    created = updated = 0
    for done, (ident, row) in enumerate(zip(idents, rows, strict=True), start=1):
        item = existing.get(ident)
        if item is None:
            changed.append(_new_item(ident, row, actor))
            created += 1
        else:
            if not isinstance(item, BacklogItem) or item.workspace != actor.workspace:
                raise ConflictError(f"line {row.line}: key {row.key!r} is taken", None)
            if _bring_up_to_date(item, row, actor.subject):
                changed.append(item)
                updated += 1
        if command.progress is not None:
            command.progress(done, len(rows))
    try:
        recordings = store.save_together(*changed) if changed else []
    except IntegrityError:
        raise ConflictError(
            "items of this file were changed concurrently; import it again", None
        ) from None
    # A view's position only moves on the events it handles, so waiting for the last
    # position on every topic would wait forever for a view that skips the last event.
    # Only the last event's topic is given: every backlog event's view (the catalog, which
    # the items are read from) then has everything; the answer reads nothing else.
    last = max(recordings, key=lambda r: r.notification.id, default=None)
    return BacklogImportResult(
        aggregate_id=workspace_id(actor.workspace),
        version=0,
        position=None if last is None else last.notification.id,
        topics=frozenset() if last is None else frozenset({get_topic(type(last.domain_event))}),
        counts=ImportCounts(created, updated, len(rows) - created - updated),
    )


def _check_objectives(store: Aggregates, actor: Actor, rows: list[BacklogRow]) -> None:
    """Every objective named must be open in the workspace; else each row naming a bad one is
    listed (as a bad file)."""
    problem: dict[UUID, str] = {}
    for objective_id in {r.objective_id for r in rows if r.objective_id is not None}:
        try:
            open_objective(store, objective_id, actor)
        except DomainError as exc:
            problem[objective_id] = exc.message
    bad = [
        CsvRowError(r.line, f"objective: {problem[r.objective_id]}")
        for r in rows
        if r.objective_id in problem
    ]
    raise_bad_rows(bad)


def _new_item(ident: UUID, row: BacklogRow, actor: Actor) -> BacklogItem:
    item = BacklogItem._create(
        BacklogItem.Created,
        id=ident,
        workspace=actor.workspace,
        title=row.title,
        description=row.description,
        kind=row.kind,
        actor=actor.subject,
    )
    item.record_import(row.key, row.labels, actor.subject)
    _score_and_tag(item, row, actor.subject)
    return item


def _bring_up_to_date(item: BacklogItem, row: BacklogRow, actor: str) -> bool:
    """Apply the row's differences to an imported item; whether anything changed."""
    before = item.version
    if (item.title, item.description, item.kind.value) != (row.title, row.description, row.kind):
        item.update(row.title, row.description, row.kind, actor)
    if (item.external_key, item.labels) != (row.key, row.labels):
        item.record_import(row.key, row.labels, actor)
    _score_and_tag(item, row, actor)
    return item.version != before


def _score_and_tag(item: BacklogItem, row: BacklogRow, actor: str) -> None:
    rice = row.rice if row.rice is not None and row.rice != item.rice else None
    wsjf = row.wsjf if row.wsjf is not None and row.wsjf != item.wsjf else None
    if rice is not None or wsjf is not None:
        item.score(rice, wsjf, actor)
    if row.objective_id is None:
        return
    current = item.tags.get(row.objective_id)
    if current is None:
        item.tag(row.objective_id, None, row.tier, row.reason, actor)
    elif current.tier != row.tier:  # a key result set on the tag since is kept
        item.retag(row.objective_id, current.key_result_id, row.tier, row.reason, actor)
