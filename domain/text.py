"""The one rule for text a client sends: it must be storable everywhere okrank keeps it.

PostgreSQL `text` and `jsonb` cannot hold U+0000 (NUL), and UTF-8 (PostgreSQL's encoding, and
JSON's on the wire) cannot encode a lone surrogate (U+D800–U+DFFF, which a JSON body can carry as
"\\ud800"). A value with either must be refused before an event is emitted: an event the read
models cannot store would stop a projection for every workspace.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from okrank.domain.errors import ValidationError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_character(text: str) -> str | None:
    """Why `text` cannot be stored (naming the first bad character and where), or None."""
    match = UNSTORABLE.search(text)
    if match is None:
        return None
    at = match.start()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code = f"U+{ord(match.group()):04X}"
    what = "NUL" if code == "U+0000" else "a lone surrogate"
    return f"contains {code} ({what}) at line {line}, column {column}, which cannot be stored"


def check_storable(path: str | list[str], text: str) -> str:
    """`text`, or a ValidationError naming `path` if it holds a character that cannot be stored."""
    problem = unstorable_character(text)
    if problem is not None:
        name = path if isinstance(path, str) else ".".join(path)
        raise ValidationError(path, f"{name} {problem}")
    return text


def require_text(path: str, value: str, max_length: int) -> str:
    """A trimmed, non-empty, storable text of at most `max_length` characters."""
    text = check_storable(path, value or "").strip()
    if not text:
        raise ValidationError(path, f"{path} must not be empty")
    if len(text) > max_length:
        raise ValidationError(path, f"{path} must be at most {max_length} characters")
    return text


def optional_text(path: str, value: str | None, max_length: int) -> str:
    """A trimmed, storable text of at most `max_length` characters ('' when absent)."""
    text = check_storable(path, value or "").strip()
    if len(text) > max_length:
        raise ValidationError(path, f"{path} must be at most {max_length} characters")
    return text


TEAM_MAX = 100  # a team's name, as objectives, items and sprints carry it
REASON_MAX = 2_000  # every "why" a command records: reasons, justifications, overrides


def require_reason(reason: str | None, path: str = "reason") -> str:
    """A reason that must be given (1 to REASON_MAX characters, storable)."""
    return require_text(path, reason or "", REASON_MAX)


def team_name(value: str | None, path: str = "team") -> str:
    """A team is named by a free string ('' for none): the same bound everywhere it appears."""
    return optional_text(path, value, TEAM_MAX)


def unstorable_values(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[list[str], str]]:
    """Every (path, problem) in a nested value of dicts, lists and scalars: strings (keys too)
    that cannot be stored, and floats that are not finite (JSON cannot hold them)."""
    if isinstance(value, str):
        problem = unstorable_character(value)
        if problem is not None:
            yield list(path), problem
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield list(path), "is not a finite number"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            if isinstance(key, str) and (problem := unstorable_character(key)) is not None:
                yield [*path, name], f"has a key that {problem}"
            yield from unstorable_values(item, (*path, name))
    elif isinstance(value, list | tuple | set | frozenset):
        for n, item in enumerate(value):
            yield from unstorable_values(item, (*path, str(n)))


def first_unstorable(value: Any, path: tuple[str, ...] = ()) -> tuple[list[str], str] | None:
    """The first (path, problem) in `value`, or None. Events can be large (an exercise opening
    for 1,000 participants holds 60,000 IDs): a fast check runs first, paths only on a find."""
    if _storable(value):
        return None
    return next(unstorable_values(value, path), None)


def _storable(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return UNSTORABLE.search(value) is None
    if kind is float:
        return math.isfinite(value)
    if kind is list or kind is tuple:
        return all(map(_storable, value))
    if kind is dict:
        return all(map(_storable, value)) and all(map(_storable, value.values()))
    if kind in _PLAIN:
        return True
    return not any(True for _ in unstorable_values(value))  # subclasses: the thorough walk


_PLAIN = frozenset({int, bool, type(None), UUID, datetime})


# Cells a spreadsheet would run as a formula (OWASP's CSV-injection advice): every CSV export
# of user text passes its text cells through `spreadsheet_cell`.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """`text` with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
