"""CSV export of MaxDiff answers (in the import's own format, so an export imports again) and
of individual utilities.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) get a leading apostrophe (OWASP's CSV-injection advice): respondents' names and item
titles come from users."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def answers_csv(
    rows: Iterable[tuple[str, int, Sequence[str], str, str, str]],
) -> str:
    """(respondent, set number, item labels shown, best, worst, segment) per answer, as
    respondent,set,items,best,worst,segment with the items joined by '|'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["respondent", "set", "items", "best", "worst", "segment"])
    for respondent, number, shown, best, worst, segment in rows:
        writer.writerow([_cell(respondent), number, "|".join(shown), best, worst, _cell(segment)])
    return out.getvalue()


def utilities_csv(
    items: Sequence[str], respondents: Iterable[tuple[str, str, Sequence[float]]]
) -> str:
    """One row per respondent: respondent, segment, then a utility per item (header: labels)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["respondent", "segment", *(_cell(i) for i in items)])
    for respondent, segment, values in respondents:
        writer.writerow([_cell(respondent), _cell(segment), *(f"{v:.6f}" for v in values)])
    return out.getvalue()
