"""MaxDiff answers imported from CSV (pure: text in, responses or one error listing every bad row).

Format
------
UTF-8 text (a leading byte-order mark is ignored), comma-separated, quoted as the stdlib `csv`
module and spreadsheets write it. The first line is a header; then one row per respondent × set:

    respondent,set,items,best,worst,segment
    alice,1,Search|Export|Dark mode|SSO,SSO,Dark mode,enterprise
    alice,2,"Billing, annual|Search|Audit log",Audit log,Search,enterprise

- `respondent`: any non-empty text identifying the participant.
- `set`: a whole number (0, 1, 2, …) numbering the set within the respondent's answers.
- `items`: the labels of the items shown, separated by `|`, in display order; 3 to 20 of them.
- `best`, `worst`: one label each, both among the items shown, different from each other.
- `segment` (optional column, optional value): a group the respondent belongs to; the same on
  every row of a respondent (a blank counts as a value: "no segment").
- `important` (optional column, optional value): anchored MaxDiff, the answer to "are any of
  these important at all?" after the set: yes / no (also true / false, 1 / 0); blank: not asked.
- `duration` (optional column, optional value): the respondent's time on the survey in seconds
  (a number ≥ 0, as survey tools export it), for the speeder flag; the same on every row of a
  respondent, or blank.

Header names are matched case-insensitively and may come in any order. Columns other than these
eight are rejected rather than ignored, so a misspelt `segmnet` cannot silently drop segments.
Blank lines (and rows whose fields are all blank, as spreadsheets export) are skipped.

A label names a candidate: the caller passes `labels`, e.g. each candidate's title and its ID,
both mapped to the candidate's key. A label matches exactly after stripping whitespace, else
case-insensitively; a label that matches two candidates only case-insensitively is ambiguous.

Every row is checked; if any is bad, nothing is imported and `CsvImportError` lists the bad rows
with their line numbers (the header is line 1; a row that spans lines inside quotes is numbered
by its first line).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from okrank.domain.csv_import import CsvImportError, CsvRowError, parse_rows

REQUIRED = ("respondent", "set", "items", "best", "worst")
OPTIONAL = ("segment", "important", "duration")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}
MIN_ITEMS, MAX_ITEMS = 3, 20
WHOLE_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class ImportedResponse:
    respondent: str
    set_number: int
    shown: tuple[Hashable, ...]  # candidate keys, in the order given
    best: Hashable
    worst: Hashable
    segment: str | None
    important: bool | None = None  # anchored MaxDiff's threshold answer; None: not asked
    duration: float | None = None  # seconds


def parse_responses_csv(
    text: str, labels: Mapping[str, Hashable], max_rows: int = 200_000
) -> list[ImportedResponse]:
    """Responses in file order, or CsvImportError naming every bad row (see the module doc)."""
    resolver = _Labels(labels)
    seen_sets: dict[tuple[str, int], int] = {}  # (respondent, set) → first line
    segments: dict[str, tuple[str | None, int]] = {}  # respondent → (segment, first line)
    durations: dict[str, tuple[str | None, int]] = {}  # respondent → (duration, first line)

    def read_row(
        line: int, fields: list[str], width: int, columns: dict[str, int], problems: list[str]
    ) -> ImportedResponse | None:
        response = _row(fields, width, columns, resolver, problems)
        problems += _cross_row(fields, columns, line, seen_sets, segments, durations)
        return response

    return parse_rows(text, max_rows, "responses", _columns, read_row)


def _columns(header: list[str], line: int) -> dict[str, int]:
    """Column name → position; raises on a missing, repeated or unknown column."""
    names = [h.strip().lower() for h in header]
    problems = []
    if "" in names:
        problems.append("a column has no name (a trailing comma?)")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(f"column {', '.join(repeated)} appears more than once")
    unknown = [
        h.strip() for h, n in zip(header, names, strict=True) if n and n not in REQUIRED + OPTIONAL
    ]
    if unknown:
        accepted = ", ".join(REQUIRED + OPTIONAL)
        problems.append(
            f"unknown column {', '.join(repr(u) for u in unknown)} (accepted: {accepted})"
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        problems.append(f"missing column {', '.join(missing)}")
    if problems:
        raise CsvImportError([CsvRowError(line, "; ".join(problems))])
    return {n: i for i, n in enumerate(names)}


class _Labels:
    """Label → candidate key: exact (after stripping) first, then case-insensitive."""

    def __init__(self, labels: Mapping[str, Hashable]) -> None:
        self.exact: dict[str, set[Hashable]] = {}
        self.folded: dict[str, set[Hashable]] = {}
        for label, key in labels.items():
            self.exact.setdefault(label.strip(), set()).add(key)
            self.folded.setdefault(label.strip().casefold(), set()).add(key)

    def resolve(self, label: str, role: str, problems: list[str]) -> Hashable | None:
        for table, text in ((self.exact, label), (self.folded, label.casefold())):
            keys = table.get(text)
            if keys and len(keys) == 1:
                return next(iter(keys))
            if keys:
                problems.append(f"{role} {label!r} matches more than one candidate")
                return None
        problems.append(f"unknown {role} {label!r}")
        return None


def _row(
    fields: list[str],
    width: int,
    columns: dict[str, int],
    resolver: _Labels,
    problems: list[str],
) -> ImportedResponse | None:
    """One row checked on its own; appends its problems and returns None if there are any."""
    if len(fields) != width:
        problems.append(f"expected {width} fields, found {len(fields)}")
        return None
    value = {name: fields[i].strip() for name, i in columns.items()}
    respondent, set_text = value["respondent"], value["set"]
    if not respondent:
        problems.append("respondent is empty")
    if not WHOLE_NUMBER.fullmatch(set_text):
        problems.append(f"set must be a whole number, got {set_text!r}")
    shown = _shown(value["items"], resolver, problems)
    chosen = {}
    for role in ("best", "worst"):
        if not value[role]:
            problems.append(f"{role} is empty")
            continue
        key = resolver.resolve(value[role], f"{role} item", problems)
        if key is not None and shown is not None and key not in shown:
            problems.append(f"{role} {value[role]!r} is not among the items shown")
        chosen[role] = key
    best, worst = chosen.get("best"), chosen.get("worst")
    if best is not None and best == worst:
        problems.append(f"best and worst are the same item {value['best']!r}")
    important = _important(value.get("important", ""), problems)
    duration = _duration(value.get("duration", ""), problems)
    if problems or shown is None:
        return None
    segment = value.get("segment") or None
    return ImportedResponse(
        respondent, int(set_text), shown, best, worst, segment, important, duration
    )


def _important(text: str, problems: list[str]) -> bool | None:
    answer = text.casefold()
    if not answer:
        return None
    if answer in YES | NO:
        return answer in YES
    problems.append(f"important must be yes or no (or blank), got {text!r}")
    return None


def _duration(text: str, problems: list[str]) -> float | None:
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not (0 <= seconds < float("inf")):
        problems.append(f"duration must be a number of seconds (0 or more), got {text!r}")
        return None
    return seconds


def _shown(items: str, resolver: _Labels, problems: list[str]) -> tuple[Hashable, ...] | None:
    parts = [p.strip() for p in items.split("|")] if items else []
    if any(not p for p in parts):
        problems.append("items has an empty label (check the '|' separators)")
        return None
    if not MIN_ITEMS <= len(parts) <= MAX_ITEMS:
        problems.append(f"a set shows {MIN_ITEMS} to {MAX_ITEMS} items, this one {len(parts)}")
        return None
    before = len(problems)
    keys = [resolver.resolve(p, "item", problems) for p in parts]
    first: dict[Hashable, str] = {}
    for part, key in zip(parts, keys, strict=True):
        if key is None:
            continue
        if key in first:
            problems.append(f"item {part!r} appears twice in the set")
        first.setdefault(key, part)
    return tuple(keys) if len(problems) == before else None


def _cross_row(
    fields: list[str],
    columns: dict[str, int],
    line: int,
    seen_sets: dict[tuple[str, int], int],
    segments: dict[str, tuple[str | None, int]],
    durations: dict[str, tuple[str | None, int]],
) -> list[str]:
    """Checks against earlier rows: a set answered twice, a respondent's segment or duration
    changing."""
    if len(fields) != len(columns):
        return []
    respondent = fields[columns["respondent"]].strip()
    set_text = fields[columns["set"]].strip()
    if not respondent or not WHOLE_NUMBER.fullmatch(set_text):
        return []
    problems = []
    first = seen_sets.setdefault((respondent, int(set_text)), line)
    if first != line:
        problems.append(
            f"respondent {respondent!r} answers set {int(set_text)} twice (first on line {first})"
        )
    for name, seen in (("segment", segments), ("duration", durations)):
        if name not in columns:
            continue
        value = fields[columns[name]].strip() or None
        earlier, earlier_line = seen.setdefault(respondent, (value, line))
        if earlier != value:
            problems.append(
                f"respondent {respondent!r} has {name} {_show(value)} here "
                f"but {_show(earlier)} on line {earlier_line}"
            )
    return problems


def _show(value: str | None) -> str:
    return repr(value) if value is not None else "(blank)"
