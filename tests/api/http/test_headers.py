"""One rule for reading a request header, whichever middleware reads it."""

from __future__ import annotations

from okrank.api.http.headers import header


def test_a_header_sent_twice_reads_as_its_last_value_and_a_missing_one_as_none() -> None:
    scope = {
        "headers": [
            (b"authorization", b"Bearer a"),
            (b"host", b"h"),
            (b"authorization", b"Bearer b"),
        ]
    }
    assert header(scope, b"authorization") == "Bearer b"
    assert header(scope, b"host") == "h"
    assert header(scope, b"origin") is None


def test_header_values_decode_as_iso_8859_1() -> None:
    assert header({"headers": [(b"x-name", "café".encode("latin-1"))]}, b"x-name") == "café"
