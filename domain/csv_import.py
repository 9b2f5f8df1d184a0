"""CSV imports' shared frame (pure): records read leniently, every row checked, and one error
listing every bad row with its line number. The backlog import and the MaxDiff answers import
differ only in their header and row rules, which they pass in.

Line numbers: the header is line 1; a row that spans lines inside quotes is numbered by its first
line. A leading byte-order mark is ignored; blank records (all fields blank, as spreadsheets
export) are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from okrank.domain.errors import ValidationError

MAX_LISTED = 100  # bad rows kept on the error; the rest are counted
IN_MESSAGE = 5  # bad rows spelt out in the error message

Columns = TypeVar("Columns")
Row = TypeVar("Row")


@dataclass(frozen=True)
class CsvRowError:
    line: int  # 1-based line number in the file (the header is line 1)
    message: str


class CsvImportError(ValidationError):
    """The file cannot be imported; `rows` lists the bad rows (at most MAX_LISTED) and
    `omitted` counts the bad rows beyond them."""

    def __init__(self, rows: list[CsvRowError], omitted: int = 0) -> None:
        self.rows = rows
        self.omitted = omitted
        total = len(rows) + omitted
        shown = "; ".join(f"line {r.line}: {r.message}" for r in rows[:IN_MESSAGE])
        rest = total - min(len(rows), IN_MESSAGE)
        noun = "bad row" if total == 1 else "bad rows"
        super().__init__(
            ["csv"], f"{total} {noun}: {shown}" + (f"; and {rest} more" if rest else "")
        )


def raise_bad_rows(bad: list[CsvRowError]) -> None:
    """CsvImportError for `bad` (the first MAX_LISTED listed, the rest counted), if any."""
    if bad:
        raise CsvImportError(bad[:MAX_LISTED], max(0, len(bad) - MAX_LISTED))


def parse_rows(
    text: str,
    max_rows: int,
    noun: str,
    read_header: Callable[[list[str], int], Columns],
    read_row: Callable[[int, list[str], int, Columns, list[str]], Row | None],
) -> list[Row]:
    """Rows in file order, or CsvImportError naming every bad row.

    `read_header(header, line)` gives the columns (raising CsvImportError on a bad header);
    `read_row(line, fields, width, columns, problems)` gives a row, appending to `problems`
    whatever is wrong with it (a row with problems is reported, not kept). More than `max_rows`
    rows stop the import at once; `noun` names the rows in "no … after the header"."""
    records = _records(text.removeprefix("\ufeff"))
    header_line, header = next(records, (1, None))
    if header is None:
        raise CsvImportError([CsvRowError(1, "the file is empty")])
    if isinstance(header, csv.Error):
        raise CsvImportError([CsvRowError(header_line, _unreadable(header))])
    columns = read_header(header, header_line)
    out: list[Row] = []
    bad: list[CsvRowError] = []
    count = 0
    for line, fields in records:
        count += 1
        if count > max_rows:
            raise CsvImportError(
                [CsvRowError(line, f"more than {max_rows:,} rows; split the file")]
            )
        if isinstance(fields, csv.Error):
            bad.append(CsvRowError(line, _unreadable(fields)))
            continue
        problems: list[str] = []
        row = read_row(line, fields, len(header), columns, problems)
        if problems:
            bad.append(CsvRowError(line, "; ".join(problems)))
        elif row is not None:
            out.append(row)
    if count == 0:
        raise CsvImportError([CsvRowError(header_line, f"no {noun} after the header")])
    raise_bad_rows(bad)
    return out


def _records(text: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line number, fields or the parse error) per non-blank record. The reader resumes
    after a quoting error, so later rows are still checked."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    while True:
        try:
            fields: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            fields = error
        start, previous_end = previous_end + 1, reader.line_num
        if isinstance(fields, csv.Error) or any(f.strip() for f in fields):
            yield start, fields


def _unreadable(error: csv.Error) -> str:
    return f"cannot read the row ({error}); check the quotes"
