"""CSV export of MaxDiff answers (in the import's own format, so an export imports again) and
of individual utilities.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) get a leading apostrophe (domain.text.spreadsheet_cell): respondents' names and item
titles come from users."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from okrank.domain.text import spreadsheet_cell as _cell

AnswerRow = tuple[str, int, Sequence[str], str, str, str, bool | None, float | None]


def answers_csv(rows: Iterable[AnswerRow]) -> str:
    """(respondent, set number, item labels shown, best, worst, segment, threshold answer,
    duration) per answer, as respondent,set,items,best,worst,segment with the items joined by
    '|', and the columns important and duration only when some answer has them."""
    rows = list(rows)
    later = any(r[6] is not None or r[7] is not None for r in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    extra = ["important", "duration"] if later else []
    writer.writerow(["respondent", "set", "items", "best", "worst", "segment", *extra])
    for respondent, number, shown, best, worst, segment, important, duration in rows:
        cells = [_cell(respondent), number, "|".join(shown), best, worst, _cell(segment)]
        if later:
            cells += [
                "" if important is None else ("yes" if important else "no"),
                "" if duration is None else f"{duration:g}",
            ]
        writer.writerow(cells)
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
