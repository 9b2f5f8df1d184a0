"""Global IDs (Relay): an opaque base64 of "Type:uuid", and opaque keyset cursors."""

from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Any
from uuid import UUID

from graphql import GraphQLError

from okrank.domain.text import unstorable_character

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # a key beyond bigint is no key we handed out


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def not_found(type_name: str, global_id: object) -> GraphQLError:
    """A read's argument names nothing the caller's workspace holds."""
    return GraphQLError(f"{type_name} {global_id} not found", extensions={"code": "NOT_FOUND"})


def to_global_id(type_name: str, ident: UUID | int | str) -> str:
    """Memoized by the identifier's text: a ranking page turns 50 item UUIDs into IDs per
    request, mostly the same ones, and a UUID fresh from a row hashes slowly (asyncpg's goes
    through a 128-bit int), its text quickly."""
    return _global_id(type_name, str(ident))  # = f"{ident}" for a UUID, an int or a str


@functools.lru_cache(maxsize=1 << 16)
def _global_id(type_name: str, ident: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{ident}".encode()).decode().rstrip("=")


def parse_global_id(global_id: str) -> tuple[str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, ident = raw.partition(":")
    return (type_name, ident) if sep else None


MEMO_ID_LENGTH = 64  # a longer text is no ID of ours: not worth remembering


def uuid_of(global_id: str, type_name: str) -> UUID | None:
    """The UUID in `global_id` if it is an ID of `type_name`, else None. Remembered for short
    texts: a client asks for the same few objectives and items again and again."""
    if type(global_id) is str and len(global_id) <= MEMO_ID_LENGTH:
        return _remembered_uuid_of(global_id, type_name)
    return _uuid_of(global_id, type_name)


def _uuid_of(global_id: str, type_name: str) -> UUID | None:
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    try:
        return UUID(parsed[1])
    except ValueError:
        return None


_remembered_uuid_of = functools.lru_cache(maxsize=4096)(_uuid_of)  # UUIDs are immutable


def need_uuid(value: str, type_name: str, arg: str) -> UUID:
    """The UUID of a query argument's global ID, or a BAD_USER_INPUT error."""
    ident = uuid_of(value, type_name)
    if ident is None:
        raise bad_input(f"{arg} is not a {type_name} ID")
    return ident


# json.dumps with non-default separators builds a new encoder per call; a ranking page encodes a
# cursor per entry. Same output.
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(_COMPACT.encode(values).encode()).decode()


def ranking_cursor(k_unscored: int, k_priority: float, k_base: float, seq: int, item: UUID) -> str:
    """encode_cursor([k_unscored, k_priority.hex(), k_base.hex(), seq, str(item)]), byte for byte
    (ints, hex floats and a UUID need no JSON escaping), at a third of the cost: a ranking page
    encodes one per entry."""
    raw = f'[{k_unscored},"{k_priority.hex()}","{k_base.hex()}",{seq},"{item}"]'
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> list[Any]:
    """Decode a cursor whose values have the given types and fit the columns they are compared
    with (bigint, float8, text); a BAD_USER_INPUT error otherwise."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_input("malformed cursor") from None
    if not isinstance(values, list) or len(values) != len(shape):
        raise bad_input("malformed cursor")
    out = []
    for value, kind in zip(values, shape, strict=True):
        try:
            if kind is float:
                out.append(float.fromhex(value))  # float8 compares ±inf and NaN without error
            elif kind is UUID:
                out.append(UUID(value))
            elif _fits(kind, value):
                out.append(value)
            else:
                raise TypeError
        except (TypeError, ValueError):
            raise bad_input("malformed cursor") from None
    return out


def _fits(kind: type, value: Any) -> bool:
    if kind is int:
        return type(value) is int and INT64_MIN <= value <= INT64_MAX
    if kind is str:
        return type(value) is str and unstorable_character(value) is None
    return isinstance(value, kind) and not isinstance(value, bool)


def decode_ranking_cursor(cursor: str) -> tuple[int, float, float, int, UUID]:
    """The keyset position of a ranking cursor (see `ranking_cursor`)."""
    v = decode_cursor(cursor, (int, float, float, int, UUID))
    if v[0] not in (0, 1):  # scored (0) or not (1): the key's smallint column
        raise bad_input("malformed cursor")
    return (v[0], v[1], v[2], v[3], v[4])
