"""Stored events are decoded into text PostgreSQL can store: NUL and lone surrogates become
U+FFFD, everything else (including text that merely spells an escape) is read as recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from eventsourcing.persistence import DatetimeAsISO, UUIDAsHex

from okrank.domain.storable_text import StorableTextTranscoder, storable_text


def transcoder() -> StorableTextTranscoder:
    t = StorableTextTranscoder()
    t.register(UUIDAsHex())  # as the application registers them
    t.register(DatetimeAsISO())
    return t


def test_nul_and_lone_surrogates_in_stored_json_are_read_as_u_fffd():
    stored = b'{"title":"a\\u0000b","tags":["\\ud800x",["\\udfff"]],"n":{"k\\u0000":"\\u0000"}}'
    assert transcoder().decode(stored) == {
        "title": "a\ufffdb",
        "tags": ["\ufffdx", ["\ufffd"]],
        "n": {"k\ufffd": "\ufffd"},
    }


def test_text_spelling_an_escape_and_surrogate_pairs_are_read_as_recorded():
    t = transcoder()
    assert t.decode(b'{"t":"\\\\u0000"}') == {"t": "\\u0000"}  # a backslash, then "u0000"
    assert t.decode(b'{"t":"\\ud83d\\ude00 \\u00e9"}') == {"t": "\U0001f600 \u00e9"}


def test_custom_types_still_decode_on_both_paths():
    t = transcoder()
    state = {"id": uuid4(), "at": datetime(2026, 1, 2, tzinfo=UTC), "title": "plain"}
    assert t.decode(t.encode(state)) == state
    dirty = t.encode({**state, "title": "x\x00"})
    assert t.decode(dirty) == {**state, "title": "x\ufffd"}


def test_bytes_that_are_not_utf8_are_read_with_u_fffd():
    assert transcoder().decode(b'{"t":"a\xed\xa0\x80b"}') == {"t": "a\ufffd\ufffd\ufffdb"}


def test_storable_text_keeps_other_text():
    assert storable_text("Ünïcode ✓ \U0001f600") == "Ünïcode ✓ \U0001f600"
