"""The Idempotency-Key header's format and what makes two requests the same (pure)."""

from __future__ import annotations

import pytest

from okrank.api.commands.idempotency import BadIdempotencyKey, fingerprint, is_mutation, parse_key


def test_a_key_is_one_to_255_printable_ascii_characters() -> None:
    assert parse_key([b"abc-123"]) == "abc-123"
    assert parse_key([b'"sf-string"']) == "sf-string"
    assert parse_key([b"x" * 255]) == "x" * 255
    for bad in ([b""], [b'""'], [b"x" * 256], [b"caf\xc3\xa9"], [b"a\tb"], [b"a", b"b"], []):
        with pytest.raises(BadIdempotencyKey):
            parse_key(bad)


def test_the_fingerprint_ignores_key_order_but_not_values_or_roles() -> None:
    a = {"query": "mutation { x }", "variables": {"a": 1, "b": [1, 2]}}
    b = {"variables": {"b": [1, 2], "a": 1}, "query": "mutation { x }", "operationName": None}
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint({**a, "variables": {"a": 2, "b": [1, 2]}})
    assert fingerprint(a, frozenset({"ADMIN"})) != fingerprint(a, frozenset({"MEMBER"}))


def test_only_a_mutation_operation_is_keyed() -> None:
    doc = "query Q { a } mutation M { b }"
    assert is_mutation({"query": doc, "operationName": "M"})
    assert not is_mutation({"query": doc, "operationName": "Q"})
    assert not is_mutation({"query": doc})  # ambiguous: strawberry refuses it
    assert not is_mutation({"query": "mutation {"})
    assert not is_mutation({"query": 3})
    assert not is_mutation(["mutation { b }"])
