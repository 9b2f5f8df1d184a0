"""importBacklogItems: backlog items from a Jira or Linear CSV export (domain.backlog_csv)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry

from okrank.api.commands.path import command_mutation
from okrank.api.commands.payloads import payload
from okrank.api.graphql.errors import (
    CsvImportError,
)
from okrank.api.graphql.ids import uuid_of
from okrank.domain.backlog.commands import ImportBacklogItems
from okrank.domain.backlog.tracker_csv import DEFAULT_HEADERS, KIND_NAMES, MAX_ROWS
from okrank.domain.backlog.tracker_import import BacklogImportResult

# The projections of 10,000 new items take a few seconds: wait for them longer than for one item.
IMPORT_WAIT_SECONDS = 60.0


def objective_ref(text: str) -> UUID | None:
    """An objective cell: the objective's global ID (as the API shows it) or its UUID."""
    ident = uuid_of(text, "Objective")
    if ident is not None:
        return ident
    try:
        return UUID(text)
    except ValueError:
        return None


def _kinds() -> str:
    by_kind: dict[str, list[str]] = {}
    for name, kind in KIND_NAMES.items():
        by_kind.setdefault(kind, []).append(name)
    return "; ".join(f"{k}: {', '.join(v)}" for k, v in by_kind.items())


@strawberry.input(
    description="The header of the column holding each field, when the file's headers are not "
    "the default ones (matched case-insensitively). A field not given uses its defaults."
)
class BacklogImportMappingInput:
    key: str | None = strawberry.field(
        default=None, description=f"External key (default: {', '.join(DEFAULT_HEADERS['key'])})."
    )
    title: str | None = strawberry.field(
        default=None, description="Title (default: Summary, Title)."
    )
    description: str | None = strawberry.field(default=None, description="Description.")
    kind: str | None = strawberry.field(
        default=None, description="Kind (default: Issue Type, Type, Kind)."
    )
    labels: str | None = strawberry.field(default=None, description="Labels (default: Labels).")
    reach: str | None = strawberry.field(default=None, description="RICE reach.")
    impact: str | None = strawberry.field(default=None, description="RICE impact.")
    confidence: str | None = strawberry.field(default=None, description="RICE confidence.")
    effort: str | None = strawberry.field(default=None, description="RICE effort.")
    business_value: str | None = strawberry.field(default=None, description="WSJF business value.")
    time_criticality: str | None = strawberry.field(
        default=None, description="WSJF time criticality."
    )
    risk_reduction: str | None = strawberry.field(default=None, description="WSJF risk reduction.")
    job_size: str | None = strawberry.field(default=None, description="WSJF job size.")
    objective: str | None = strawberry.field(
        default=None, description="An open objective's ID to tag the item to."
    )
    tier: str | None = strawberry.field(default=None, description="The tag's tier.")
    reason: str | None = strawberry.field(default=None, description="The tag's reason.")


@strawberry.input(
    description="Imports backlog items from a CSV exported by Jira or Linear: a header, then one "
    "row per item. Columns: key (Issue key, Key, ID), title (Summary, Title), description, kind "
    f"(Issue Type, Type, Kind; {_kinds()}; blank → FEATURE), labels (repeated columns or "
    "comma-separated), optional RICE (Reach, Impact, Confidence, Effort) and WSJF (Business "
    "Value, Time Criticality, Risk Reduction, Job Size) inputs, optional Objective (an open "
    "objective's ID) with Tier and Reason. Other columns are ignored. An item is identified by "
    "its key: importing again updates the items whose row changed and creates nothing twice; "
    "blank scores or objectives never clear what an item has. A bad file imports nothing: "
    f"every bad row is reported with its line number. At most {MAX_ROWS:,} rows."
)
class ImportBacklogItemsInput:
    csv: str = strawberry.field(
        description="The file's text (at most 20 MiB). A request body over 1 MiB is refused at "
        "/graphql: send larger files to POST /graphql/import."
    )
    mapping: BacklogImportMappingInput | None = strawberry.field(
        default=None, description="Column headers for fields whose headers differ."
    )

    def command(self) -> ImportBacklogItems:
        return ImportBacklogItems(self.csv, _mapping(self.mapping), objective_ref)


@strawberry.type(description="What an import did.")
class ImportBacklogItemsSuccess:
    created: int = strawberry.field(description="Items created.")
    updated: int = strawberry.field(description="Items whose row differed, brought up to date.")
    unchanged: int = strawberry.field(description="Items already as their row says.")


# NotFoundError is not raised today (kept so every payload takes the same fragments);
# ConflictError: another import changed the same items meanwhile (import again).
ImportBacklogItemsPayload = payload(
    "ImportBacklogItemsPayload",
    "The counts, or why nothing changed.",
    ImportBacklogItemsSuccess,
    CsvImportError,
)


def _mapping(value: BacklogImportMappingInput | None) -> dict[str, str]:
    if value is None:
        return {}
    return {k: v for k, v in vars(value).items() if isinstance(v, str)}


async def _success(ctx: Any, result: BacklogImportResult) -> ImportBacklogItemsSuccess:
    c = result.counts
    return ImportBacklogItemsSuccess(created=c.created, updated=c.updated, unchanged=c.unchanged)


@strawberry.type(description="Backlog import.")
class BacklogImportMutations:
    import_backlog_items = command_mutation(
        ImportBacklogItemsInput,
        ImportBacklogItemsPayload,
        _success,
        "Import backlog items from a Jira or Linear CSV export.",
        IMPORT_WAIT_SECONDS,
    )
