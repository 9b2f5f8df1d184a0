"""Upcast on read: text PostgreSQL cannot store is replaced when stored events are decoded.

Events recorded before input validation refused such text may hold U+0000 (NUL) or lone
surrogates in their strings. A PostgreSQL text column can hold neither, so no read model could
apply those events. Decoding replaces each such character with U+FFFD. The stored bytes stay as
they were recorded (history is not rewritten, event names and shapes are unchanged), and every
reader (aggregates, projections, rebuilds) sees the same text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from eventsourcing.persistence import JSONTranscoder

REPLACEMENT = "\ufffd"
# In a Python str every code point in D800–DFFF is a lone surrogate: pairs decode to one char.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# JSON spells both only as \u escapes; events without any escape (nearly all) skip the slow path.
_ESCAPE = b"\\u"


def storable_text(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, text)


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value  # JSON objects inside were already cleaned by the object hook


class StorableTextTranscoder(JSONTranscoder):
    """The library's JSON transcoder, decoding text into text PostgreSQL can store."""

    def __init__(self) -> None:
        super().__init__()
        self.cleaning_decoder = json.JSONDecoder(object_hook=self._decode_storable)

    def decode(self, data: bytes) -> Any:
        if _ESCAPE not in data:
            try:
                return self.decoder.decode(data.decode("utf8"))  # as the library's decode
            except UnicodeDecodeError:
                pass  # bytes that are not UTF-8: replaced below
        return _storable(self.cleaning_decoder.decode(data.decode("utf8", errors="replace")))

    def _decode_storable(self, d: dict[str, Any]) -> Any:
        # JSON objects reach the hook innermost first, so each sees only its own values.
        return self._decode_obj({storable_text(k): _storable(v) for k, v in d.items()})
