"""The CSV import frame shared by the backlog and MaxDiff imports, with a trivial row rule."""

from __future__ import annotations

import pytest

from okrank.domain.csv_import import MAX_LISTED, CsvImportError, CsvRowError, parse_rows


def whole_numbers(text: str, max_rows: int = 1_000) -> list[int]:
    """Rows of one whole number each; anything else is a bad row."""

    def read_row(
        line: int, fields: list[str], width: int, columns: None, problems: list[str]
    ) -> int | None:
        if not fields[0].strip().isdigit():
            problems.append(f"not a number: {fields[0]!r}")
            return None
        return int(fields[0])

    return parse_rows(text, max_rows, "numbers", lambda header, line: None, read_row)


def test_rows_come_back_in_file_order_skipping_blank_records_and_a_byte_order_mark():
    assert whole_numbers("\ufeffn\n3\n\n , \n1\n2\n") == [3, 1, 2]


def test_every_bad_row_is_listed_with_its_line_and_those_beyond_the_list_are_counted():
    body = "".join(f"x{i}\n" for i in range(MAX_LISTED + 7))
    with pytest.raises(CsvImportError) as caught:
        whole_numbers("n\n1\n" + body)
    assert caught.value.rows[0] == CsvRowError(3, "not a number: 'x0'")
    assert len(caught.value.rows) == MAX_LISTED and caught.value.omitted == 7
    assert caught.value.message.startswith(f"{MAX_LISTED + 7} bad rows: line 3: not a number")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("n\n", "line 1: no numbers after the header"),
        ('n\n"1\n', "line 2: cannot read the row"),
        ("n\n1\n2\n3\n", "line 4: more than 2 rows; split the file"),
    ],
)
def test_an_empty_unreadable_or_oversized_file_is_refused_naming_the_line(text, message):
    with pytest.raises(CsvImportError, match=message):
        whole_numbers(text, max_rows=2)
