"""The audit export's record: one stored event with its decoded change and its chain link.

One home for the record's shape, shared by `GET /audit/export`, `okrank audit export` and the
offline check of an exported file (domain.audit.export_verification). A record carries the
stored row itself (topic and `state`, base64) with the previous link and its own, so anyone
can recompute `link = SHA-256(previous_link || canonical bytes)` (domain.audit.chain) without
okrank's database; the decoded fields are for reading, and the check re-derives them from
`state` so an edited field shows too. Fields withheld from the caller (individual answers)
take their row's `state` with them: such a record is checked by its links only.

JSON Lines: one JSON object per line. CSV: a header row of COLUMNS, `fields` and `withheld`
as JSON text, an absent value (no actor, no reason, no state) as an empty cell.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper

from okrank.domain.audit.chain import StoredEventRow
from okrank.domain.audit.changes import Change, decode_change, field_json

FORMATS = ("jsonl", "csv")
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
COLUMNS = (
    "workspace",
    "seq",
    "position",
    "aggregate_id",
    "aggregate_type",
    "version",
    "event",
    "time",
    "actor",
    "reason",
    "fields",
    "withheld",
    "topic",
    "state",
    "previous_link",
    "link",
)
INTEGERS = ("seq", "position", "version")
OPTIONAL = ("actor", "reason", "state")  # an empty CSV cell reads back as null
JSON_CELLS = ("fields", "withheld")
CHUNK_BYTES = 64 * 1024  # lines are sent in chunks of about this size


def record(
    workspace: str,
    seq: int,
    row: StoredEventRow,
    previous: bytes,
    link: bytes,
    change: Change,
    withheld: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The export record of the workspace's seq-th event (`row`, decoded as `change`)."""
    hidden = withheld & change.values.keys()
    shown = {k: v for k, v in change.values.items() if k not in hidden}
    return {
        "workspace": workspace,
        "seq": seq,
        "position": row.position,
        "aggregate_id": str(row.originator_id),
        "aggregate_type": change.aggregate_type,
        "version": row.originator_version,
        "event": change.event,
        "time": change.at.isoformat(),
        "actor": change.actor or None,
        "reason": change.reason or None,
        "fields": orjson.loads(field_json(shown)),
        "withheld": sorted(hidden),
        "topic": row.topic,
        "state": None if hidden else base64.b64encode(row.state).decode("ascii"),
        "previous_link": previous.hex(),
        "link": link.hex(),
    }


def stored_row(rec: dict[str, Any]) -> StoredEventRow:
    """The stored event a record with its `state` carries (ValueError if malformed)."""
    if rec["state"] is None:
        raise ValueError("the record's state is withheld")
    return StoredEventRow(
        int(rec["position"]),
        UUID(rec["aggregate_id"]),
        int(rec["version"]),
        str(rec["topic"]),
        base64.b64decode(rec["state"], validate=True),
    )


def record_again(mapper: Mapper[Any], rec: dict[str, Any]) -> dict[str, Any]:
    """The record its own `state` makes: equal to `rec` unless the file was edited."""
    row = stored_row(rec)
    return record(
        rec["workspace"],
        rec["seq"],
        row,
        bytes.fromhex(rec["previous_link"]),
        bytes.fromhex(rec["link"]),
        decode_change(mapper, row),
    )


def moment(name: str, text: str) -> datetime:
    """An ISO 8601 date or time; one without an offset is UTC."""
    try:
        parsed_moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{name}: {text!r} is not an ISO 8601 date or time (e.g. 2026-01-31T12:00:00Z)"
        ) from None
    if parsed_moment.tzinfo is None:
        return parsed_moment.replace(tzinfo=UTC)
    return parsed_moment


def window(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """An export's `since` and `until` (either may be absent); ValueError if until < since."""
    start = moment("since", since) if since else None
    end = moment("until", until) if until else None
    if start is not None and end is not None and end < start:
        raise ValueError(f"until ({end.isoformat()}) is before since ({start.isoformat()})")
    return start, end


def encoded(records: Iterable[dict[str, Any]], fmt: str) -> Iterator[bytes]:
    """The file's bytes, in chunks (a CSV starts with its header row)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use jsonl or csv")
    line = _jsonl_line if fmt == "jsonl" else _csv_line
    chunk = bytearray(_csv_header() if fmt == "csv" else b"")
    for rec in records:
        chunk += line(rec)
        if len(chunk) >= CHUNK_BYTES:
            yield bytes(chunk)
            chunk.clear()
    if chunk:
        yield bytes(chunk)


def _jsonl_line(rec: dict[str, Any]) -> bytes:
    return orjson.dumps(rec) + b"\n"


def _csv_row(cells: Iterable[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue().encode("utf-8")


def _csv_header() -> bytes:
    return _csv_row(COLUMNS)


def _csv_line(rec: dict[str, Any]) -> bytes:
    return _csv_row(
        orjson.dumps(rec[c]).decode() if c in JSON_CELLS else ("" if rec[c] is None else rec[c])
        for c in COLUMNS
    )


def parsed(lines: Iterable[str], fmt: str) -> Iterator[dict[str, Any]]:
    """The records of an exported file read line by line (ValueError naming a bad line)."""
    if fmt == "jsonl":
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise ValueError(f"line {number} is not JSON: {exc}") from None
        return
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}: use jsonl or csv")
    reader = csv.DictReader(lines)
    if reader.fieldnames is not None and tuple(reader.fieldnames) != COLUMNS:
        raise ValueError(f"the CSV header is not {','.join(COLUMNS)}")
    for row in reader:
        try:
            yield _from_cells(row)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"line {reader.line_num}: {exc}") from None


def _from_cells(row: dict[str, str]) -> dict[str, Any]:
    rec: dict[str, Any] = dict(row)
    for c in INTEGERS:
        rec[c] = int(row[c])
    for c in JSON_CELLS:
        rec[c] = orjson.loads(row[c])
    for c in OPTIONAL:
        rec[c] = row[c] or None
    return rec


def format_of(path: str) -> str:
    """The format a file name implies (`.csv`: CSV; anything else: JSON Lines)."""
    return "csv" if path.lower().endswith(".csv") else "jsonl"
