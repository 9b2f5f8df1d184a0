"""Relay pagination shared by every connection: page sizes, page info, keyset pages, and the
edge and connection types of each node type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from okrank.api.graphql.ids import bad_input, decode_cursor, encode_cursor

MAX_PAGE = 100
AFTER_CURSOR = "Cursor; pass as `after`."


@strawberry.type(description="Relay pagination state of a connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow `endCursor`.")
    has_previous_page: bool = strawberry.field(
        description="Items precede `startCursor` (true when the page was asked `after` a cursor)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass as `after`."
    )


def edge_type(
    node: type, *, name: str, about: str, node_is: str, cursor: str = AFTER_CURSOR
) -> Any:
    """The GraphQL type `name`: a `cursor` and the `node`, each with its description."""
    fields = {
        "__annotations__": {"cursor": str, "node": node},
        "__module__": node.__module__,
        "cursor": strawberry.field(description=cursor),
        "node": strawberry.field(description=node_is),
    }
    return strawberry.type(type(name, (), fields), description=about)


def connection_types(
    node: type,
    *,
    page_about: str,
    edge_about: str,
    node_is: str,
    edges_are: str,
    cursor: str = AFTER_CURSOR,
    page_info_is: str = "Pagination state.",
) -> tuple[Any, Any]:
    """`<Node>Edge` and `<Node>Connection` (edges and pageInfo) of a node type, named after its
    GraphQL name: one shape for every list, each keeping its own descriptions. Build a page of
    it with `connection`."""
    name = node.__strawberry_definition__.name  # type: ignore[attr-defined]
    edge = edge_type(node, name=f"{name}Edge", about=edge_about, node_is=node_is, cursor=cursor)
    fields = {
        "__annotations__": {"edges": list[edge], "page_info": PageInfo},
        "__module__": node.__module__,
        "edges": strawberry.field(description=edges_are),
        "page_info": strawberry.field(description=page_info_is),
    }
    page = strawberry.type(type(f"{name}Connection", (), fields), description=page_about)
    return edge, page


def list_types(
    node: type, noun: str, *, page_about: str, cursor: str = AFTER_CURSOR
) -> tuple[Any, Any]:
    """`connection_types` of a list of `noun`s, described as every such list is: "An edge of a
    <noun> list.", "The <noun>.", "<Noun>s of this page."; the page says what it holds."""
    article = "an" if noun[0] in "aeiou" else "a"
    return connection_types(
        node,
        page_about=page_about,
        edge_about=f"An edge of {article} {noun} list.",
        node_is=f"The {noun}.",
        edges_are=f"{noun[0].upper()}{noun[1:]}s of this page.",
        cursor=cursor,
    )


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


async def keyset_page(
    read: Callable[[Any, Any, int | None, int], Awaitable[list[Any]]],
    pool: Any,
    parent: Any,
    types: tuple[Any, Any, Any, str],
    first: int,
    after: str | None,
) -> Any:
    """A page of a node's own list (a briefing's versions, a metric's readings, a theme's
    moves): `read(pool, parent, after's key, limit + 1)` gives its rows; `types` is the
    (connection, edge, node, key column) `connection` builds it with."""
    limit = page_size(first)
    rows = await read(pool, parent, after_key(after), limit + 1)
    connection_cls, edge_cls, node, key = types
    return connection(connection_cls, edge_cls, node, key, rows, limit, after)
