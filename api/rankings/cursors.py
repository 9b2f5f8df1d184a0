"""Ranking cursors that remember their entry's rank.

A ranking's `rank` is a position: counting the entries before a cursor costs O(depth), so a
page deep in a 100,000-item ranking would cost ten times one of a 10,000-item ranking. A cursor
therefore also holds its entry's rank, the catalog's tracking position when that rank was read
and a tag of the ranking it belongs to (workspace, scope, method, eligibleOnly). A page read
after it takes the rank from the cursor when the catalog has processed nothing since (the read
model, and so every rank, is then exactly as it was), and counts otherwise: ranks stay exact.

The shape is the keyset cursor's five values (api.graphql.ids.ranking_cursor, still accepted
and always counted) followed by rank, position and tag. A forged rank misleads only the
client that forged it: the page's rows come from the keyset alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from uuid import UUID

from okrank.api.graphql.ids import bad_input, decode_cursor, decode_ranking_cursor

Key = tuple[int, float, float, int, UUID]
KEY_SHAPE = (int, float, float, int, UUID)
RANKED_SHAPE = (*KEY_SHAPE, int, int, str)


@dataclass(frozen=True)
class After:
    """Where a page starts: the keyset position, and (from a ranked cursor) the rank of the
    entry at it, valid while the catalog stays at `position` in the ranking tagged `tag`."""

    key: Key
    rank: int | None = None
    position: int | None = None
    tag: str | None = None

    def known_rank(self, tag: str) -> tuple[int, int] | None:
        """(rank, position) when this cursor was issued by the same ranking, else None."""
        if self.rank is None or self.position is None or self.tag != tag:
            return None
        return self.rank, self.position


def ranking_tag(workspace: str, scope: UUID | None, method: str, eligible_only: bool) -> str:
    """A short fingerprint of one ranking: a cursor's rank counts only in the ranking that
    issued it."""
    raw = f"{workspace}\x00{scope}\x00{method}\x00{eligible_only}".encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def ranked_cursor(key: Key, rank: int | None, position: int | None, tag: str) -> str:
    """The keyset cursor's JSON with rank, position and tag appended (no rank known: the
    keyset cursor alone)."""
    k_unscored, k_priority, k_base, seq, item = key
    if rank is None or position is None:
        head = f'[{k_unscored},"{k_priority.hex()}","{k_base.hex()}",{seq},"{item}"]'
    else:
        head = (
            f'[{k_unscored},"{k_priority.hex()}","{k_base.hex()}",{seq},"{item}",'
            f'{rank},{position},"{tag}"]'
        )
    return base64.urlsafe_b64encode(head.encode()).decode()


def decode_after(cursor: str) -> After:
    """A ranking cursor of either shape; BAD_USER_INPUT when it is neither."""
    try:
        ranked = len(json.loads(base64.urlsafe_b64decode(cursor.encode()))) == len(RANKED_SHAPE)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        ranked = False  # decode_ranking_cursor says what is wrong with it
    if not ranked:
        return After(decode_ranking_cursor(cursor))
    v = decode_cursor(cursor, RANKED_SHAPE)
    if v[0] not in (0, 1) or v[5] < 0 or v[6] < 0:
        raise bad_input("malformed cursor")
    return After((v[0], v[1], v[2], v[3], v[4]), v[5], v[6], v[7])
