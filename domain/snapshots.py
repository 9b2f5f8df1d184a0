"""Snapshots of aggregates whose state holds more than JSON can say.

The library's snapshot stores `vars(aggregate)` through the JSON transcoder, which cannot hold
value objects (RiceInputs, Tag, KeyResult), loses enums (a StrEnum comes back as a plain str)
and cannot write dicts keyed by UUID. `StateSnapshot` stores the same state as plain JSON with
explicit markers and restores it exactly; stored events are untouched (only snapshots use this).

Markers (a JSON object with one of these keys; every dict of the state is itself encoded as
`_dict_`, so no key a client chose can be mistaken for a marker):
  {"_dict_": [[key, value], ...]}          any dict (keys of any type, order kept)
  {"_enum_": [topic, value]}               an Enum member
  {"_object_": [topic, {field: value}]}    a dataclass instance
  {"_tuple_": [...]}, {"_frozenset_": [...]}, {"_set_": [...]}
UUIDs and datetimes are left to the transcoder's own transcodings.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

from eventsourcing.domain import BaseAggregate, Snapshot
from eventsourcing.utils import get_topic, resolve_topic


def encode_state(value: Any) -> Any:
    if isinstance(value, Enum):
        return {"_enum_": [get_topic(type(value)), value.value]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode_state(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"_object_": [get_topic(type(value)), fields]}
    if isinstance(value, dict):
        return {"_dict_": [[encode_state(k), encode_state(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [encode_state(v) for v in value]
    if isinstance(value, tuple):
        return {"_tuple_": [encode_state(v) for v in value]}
    if isinstance(value, frozenset):
        return {"_frozenset_": [encode_state(v) for v in value]}
    if isinstance(value, set):
        return {"_set_": [encode_state(v) for v in value]}
    return value


def decode_state(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_state(v) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((marker, data),) = value.items()
    if marker == "_dict_":
        return {_hashable(decode_state(k)): decode_state(v) for k, v in data}
    if marker == "_enum_":
        return resolve_topic(data[0])(data[1])
    if marker == "_object_":
        return resolve_topic(data[0])(**{k: decode_state(v) for k, v in data[1].items()})
    if marker == "_tuple_":
        return tuple(decode_state(v) for v in data)
    if marker == "_frozenset_":
        return frozenset(_hashable(decode_state(v)) for v in data)
    if marker == "_set_":
        return {_hashable(decode_state(v)) for v in data}
    return value


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class StateSnapshot(Snapshot):
    """A snapshot whose state is plain JSON (see the module's markers)."""

    @classmethod
    def take(cls, aggregate: Any) -> StateSnapshot:
        plain = super().take(aggregate)
        return dataclasses.replace(plain, state=encode_state(plain.state))

    def mutate(self, _: None) -> BaseAggregate[Any]:
        restored = dataclasses.replace(self, state=decode_state(self.state))
        return Snapshot.mutate(restored, None)
