"""Backlog items read from a Jira or Linear CSV export (pure: text in, rows or one error listing
every bad row: the frame in `okrank.domain.csv_import`, shared with the MaxDiff import).

Columns (header names matched case-insensitively; a `mapping` names other headers)
----------------------------------------------------------------------------------
- `key` (required): the item's key in the tracker, e.g. PROJ-12. Default headers: Issue key,
  Key, ID, Identifier. An item is identified by (workspace, key): importing again updates it.
- `title` (required): Summary, Title.
- `description`: Description.
- `kind`: Issue Type, Type, Kind. Mapped by KIND_NAMES (blank → FEATURE); else a row error.
- `labels`: Labels. Jira repeats the column once per label; Linear separates them with commas.
- RICE: Reach, Impact, Confidence, Effort — all four or none.
- WSJF: Business Value, Time Criticality, Risk Reduction, Job Size — all four or none.
- `objective`: an open objective's ID to tag the item to, with `tier` (DIRECT, the default, or
  INDIRECT) and `reason` (default "imported from CSV").

Other columns (trackers export dozens) are ignored. Blank rows are skipped. The header is line 1;
a row spanning lines inside quotes is numbered by its first line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from uuid import UUID

from okrank.domain.backlog.item import BacklogItem
from okrank.domain.csv_import import CsvImportError, CsvRowError, parse_rows
from okrank.domain.errors import ValidationError
from okrank.domain.rankings.scoring import (
    RiceInputs,
    Tier,
    WsjfInputs,
    validate_rice,
    validate_wsjf,
)
from okrank.domain.text import require_reason, require_text

MAX_ROWS = 20_000
KEY_MAX = 100
LABEL_MAX = 100
LABELS_MAX = 50
DEFAULT_REASON = "imported from CSV"

RICE_FIELDS = ("reach", "impact", "confidence", "effort")
WSJF_FIELDS = ("business_value", "time_criticality", "risk_reduction", "job_size")
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("issue key", "key", "id", "identifier"),
    "title": ("summary", "title"),
    "description": ("description",),
    "kind": ("issue type", "type", "kind"),
    "labels": ("labels", "label"),
    "reach": ("reach",),
    "impact": ("impact",),
    "confidence": ("confidence",),
    "effort": ("effort",),
    "business_value": ("business value",),
    "time_criticality": ("time criticality",),
    "risk_reduction": ("risk reduction",),
    "job_size": ("job size",),
    "objective": ("objective",),
    "tier": ("tier",),
    "reason": ("reason",),
}
FIELDS = tuple(DEFAULT_HEADERS)

# Tracker issue types → ItemKind (case-insensitive; the kind names themselves also match).
KIND_NAMES: dict[str, str] = {
    **dict.fromkeys(("bug", "defect", "incident"), "BUG"),
    **dict.fromkeys(
        ("story", "feature", "new feature", "epic", "task", "sub-task", "subtask", "improvement"),
        "FEATURE",
    ),
    **dict.fromkeys(("tech debt", "tech_debt", "technical debt", "chore", "refactor"), "TECH_DEBT"),
    **dict.fromkeys(("spike", "research", "discovery"), "DISCOVERY"),
}


@dataclass(frozen=True)
class BacklogRow:
    line: int
    key: str
    title: str
    description: str
    kind: str
    labels: tuple[str, ...]
    rice: RiceInputs | None
    wsjf: WsjfInputs | None
    objective_id: UUID | None
    tier: Tier
    reason: str


def parse_backlog_csv(
    text: str,
    mapping: Mapping[str, str] | None = None,
    objective_ref: Callable[[str], UUID | None] = lambda s: _uuid(s),
) -> list[BacklogRow]:
    """Rows in file order, or CsvImportError naming every bad row (see the module doc).
    `objective_ref` turns an objective cell into its id (None: not an objective ID)."""
    first_line: dict[str, int] = {}  # key → the line it first appears on

    def read_row(
        line: int,
        fields: list[str],
        width: int,
        columns: dict[str, list[int]],
        problems: list[str],
    ) -> BacklogRow | None:
        row = _row(line, fields, width, columns, objective_ref, problems)
        if row is not None:
            first = first_line.setdefault(row.key, line)
            if first != line:
                problems.append(f"key {row.key!r} appears twice (first on line {first})")
        return row

    return parse_rows(
        text,
        MAX_ROWS,
        "items",
        lambda header, line: _columns(header, line, mapping or {}),
        read_row,
    )


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def _columns(header: list[str], line: int, mapping: Mapping[str, str]) -> dict[str, list[int]]:
    """Field → the positions of its columns (labels may have several); raises on a bad header."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ValidationError(
            "mapping",
            f"unknown field {', '.join(unknown)} in the mapping (fields: {', '.join(FIELDS)})",
        )
    names = [h.strip().casefold() for h in header]
    problems: list[str] = []
    columns: dict[str, list[int]] = {}
    for field in FIELDS:
        if field in mapping:
            wanted: tuple[str, ...] = (mapping[field].strip().casefold(),)
            if not wanted[0]:
                problems.append(f"the mapping gives {field} an empty header")
                continue
            if wanted[0] not in names:
                problems.append(f"no column {mapping[field]!r} (mapped to {field})")
                continue
        else:
            wanted = DEFAULT_HEADERS[field]
        for candidate in wanted:
            found = [i for i, n in enumerate(names) if n == candidate]
            if found:
                if len(found) > 1 and field != "labels":
                    problems.append(f"column {header[found[0]].strip()!r} appears more than once")
                columns[field] = found
                break
    for field in ("key", "title"):
        if field not in columns and field not in mapping:
            accepted = ", ".join(DEFAULT_HEADERS[field])
            problems.append(f"missing the {field} column ({accepted}, or map one)")
    if problems:
        raise CsvImportError([CsvRowError(line, "; ".join(problems))])
    return columns


def _row(
    line: int,
    fields: list[str],
    width: int,
    columns: dict[str, list[int]],
    objective_ref: Callable[[str], UUID | None],
    problems: list[str],
) -> BacklogRow | None:
    """One row checked on its own; appends its problems and returns None if there are any."""
    if len(fields) != width:
        problems.append(f"expected {width} fields, found {len(fields)}")
        return None

    def cell(field: str) -> str:
        return fields[columns[field][0]].strip() if field in columns else ""

    def checked(check: Callable[[], object]) -> object:
        try:
            return check()
        except ValidationError as exc:
            problems.append(exc.message)
            return None

    key = checked(lambda: require_text("key", cell("key"), KEY_MAX))
    fixed = checked(
        lambda: BacklogItem.validated_fields(cell("title"), cell("description"), "FEATURE")
    )
    kind_text = cell("kind")
    kind = KIND_NAMES.get(kind_text.casefold()) or (
        kind_text.upper()
        if kind_text.upper() in {"FEATURE", "TECH_DEBT", "BUG", "DISCOVERY"}
        else None
    )
    if not kind_text:
        kind = "FEATURE"
    if kind is None:
        problems.append(f"unknown kind {kind_text!r} (see the documented type mapping)")
    labels = _labels([fields[i] for i in columns.get("labels", [])], problems)
    rice = _rice([cell(f) for f in RICE_FIELDS], problems)
    wsjf = _wsjf([cell(f) for f in WSJF_FIELDS], problems)
    objective_id, tier, reason = _tag(cell, objective_ref, checked, problems)
    if problems or key is None or fixed is None or kind is None:
        return None
    title, description, _ = fixed  # type: ignore[misc]
    return BacklogRow(
        line, str(key), title, description, kind, labels, rice, wsjf, objective_id, tier, reason
    )


def _labels(cells: list[str], problems: list[str]) -> tuple[str, ...]:
    labels: dict[str, None] = {}  # ordered, without repeats
    for cell in cells:
        for part in cell.split(","):
            label = part.strip()
            if not label:
                continue
            try:
                labels.setdefault(require_text("labels", label, LABEL_MAX), None)
            except ValidationError as exc:
                problems.append(exc.message)
    if len(labels) > LABELS_MAX:
        problems.append(f"at most {LABELS_MAX} labels, found {len(labels)}")
    return tuple(labels)


def _numbers(names: tuple[str, ...], cells: list[str], problems: list[str]) -> list[float] | None:
    if not any(cells):
        return None
    if not all(cells):
        missing = [n for n, c in zip(names, cells, strict=True) if not c]
        problems.append(f"give all of {', '.join(names)} or none (missing {', '.join(missing)})")
        return None
    values = []
    for name, text in zip(names, cells, strict=True):
        try:
            value = float(text)
        except ValueError:
            problems.append(f"{name} must be a number, got {text!r}")
            return None
        if not math.isfinite(value):
            problems.append(f"{name} must be finite, got {text!r}")
            return None
        values.append(value)
    return values


def _rice(cells: list[str], problems: list[str]) -> RiceInputs | None:
    values = _numbers(RICE_FIELDS, cells, problems)
    if values is None:
        return None
    try:
        return validate_rice(RiceInputs(*values))
    except ValidationError as exc:
        problems.append(exc.message)
        return None


def _wsjf(cells: list[str], problems: list[str]) -> WsjfInputs | None:
    values = _numbers(WSJF_FIELDS, cells, problems)
    if values is None:
        return None
    if any(v != int(v) for v in values):
        problems.append(f"{', '.join(WSJF_FIELDS)} must be whole numbers")
        return None
    try:
        return validate_wsjf(WsjfInputs(*(int(v) for v in values)))
    except ValidationError as exc:
        problems.append(exc.message)
        return None


def _tag(
    cell: Callable[[str], str],
    objective_ref: Callable[[str], UUID | None],
    checked: Callable[[Callable[[], object]], object],
    problems: list[str],
) -> tuple[UUID | None, Tier, str]:
    objective_text, tier_text = cell("objective"), cell("tier").upper()
    tier = Tier.DIRECT
    if tier_text and tier_text not in (Tier.DIRECT.value, Tier.INDIRECT.value):
        problems.append(f"tier must be DIRECT or INDIRECT, got {cell('tier')!r}")
    elif tier_text:
        tier = Tier(tier_text)
    if not objective_text:
        if tier_text or cell("reason"):
            problems.append("tier and reason need an objective")
        return None, tier, ""
    objective_id = objective_ref(objective_text)
    if objective_id is None:
        problems.append(f"objective {objective_text!r} is not an objective ID")
    reason = checked(lambda: require_reason(cell("reason") or DEFAULT_REASON))
    return objective_id, tier, str(reason or "")
