"""Relay pagination shared by every connection: page sizes, page info, keyset pages."""

from __future__ import annotations

from typing import Any

from okrank.api.graphql.ids import bad_input, decode_cursor, encode_cursor
from okrank.api.graphql.types import PageInfo

MAX_PAGE = 100


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise bad_input(f"first must be between 1 and {MAX_PAGE}")
    return first


def page_info(cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def after_key(after: str | None) -> int | None:
    """The key in a single-key cursor (what `connection` hands out), or None on the first page."""
    return decode_cursor(after, (int,))[0] if after else None


def connection(
    connection_cls: Any,
    edge_cls: Any,
    node: Any,
    key: str,
    rows: list[Any],
    limit: int,
    after: str | None,
) -> Any:
    """A page of a keyset connection: `rows` were fetched with `limit + 1` to see a next page;
    each row's `key` column is its cursor."""
    edges = [edge_cls(cursor=encode_cursor([r[key]]), node=node(r)) for r in rows[:limit]]
    info = page_info([e.cursor for e in edges], len(rows) > limit, after)
    return connection_cls(edges=edges, page_info=info)
