"""Global IDs and cursors: the fast ranking cursor is the generic cursor, byte for byte, so
cursors handed out before and after stay interchangeable."""

from __future__ import annotations

import base64
import json
import math
import uuid
from uuid import UUID

import pytest
from graphql import GraphQLError

from okrank.api.graphql.ids import (
    decode_cursor,
    decode_ranking_cursor,
    encode_cursor,
    parse_global_id,
    ranking_cursor,
    to_global_id,
)

KEYS = [
    (0, -12.5, -6.25, 1, uuid.uuid4()),
    (1, 0.0, -0.0, 99_999, uuid.uuid4()),
    (0, -1e300, -5e-324, 2**40, uuid.uuid4()),
    (1, math.inf, -math.inf, 7, UUID(int=0)),
]


@pytest.mark.parametrize("key", KEYS)
def test_ranking_cursor_is_the_generic_cursor(key: tuple) -> None:
    k_unscored, k_priority, k_base, seq, item = key
    generic = encode_cursor([k_unscored, k_priority.hex(), k_base.hex(), seq, str(item)])
    assert ranking_cursor(*key) == generic
    assert decode_cursor(generic, (int, float, float, int, UUID)) == list(key)


def test_global_ids_round_trip_and_differ_by_type() -> None:
    ident = uuid.uuid4()
    assert parse_global_id(to_global_id("BacklogItem", ident)) == ("BacklogItem", str(ident))
    assert to_global_id("BacklogItem", ident) != to_global_id("Objective", ident)


@pytest.mark.parametrize(
    ("values", "shape"),
    [
        ([2**63], (int,)),
        ([-(2**63) - 1], (int,)),
        ([True], (int,)),
        (["a\x00b"], (str,)),
        (["\ud800"], (str,)),
    ],
)
def test_cursor_values_that_fit_no_column_are_bad_input(values: list, shape: tuple) -> None:
    raw = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
    with pytest.raises(GraphQLError) as caught:
        decode_cursor(raw, shape)
    assert caught.value.extensions == {"code": "BAD_USER_INPUT"}


def test_a_ranking_cursor_outside_scored_or_unscored_is_bad_input() -> None:
    ident = "00000000-0000-0000-0000-000000000001"
    good = ranking_cursor(1, 0.0, 0.0, 7, UUID(ident))
    assert decode_ranking_cursor(good) == (1, 0.0, 0.0, 7, UUID(ident))
    raw = base64.urlsafe_b64encode(json.dumps([2, "0x0p+0", "0x0p+0", 7, ident]).encode())
    with pytest.raises(GraphQLError):
        decode_ranking_cursor(raw.decode())
