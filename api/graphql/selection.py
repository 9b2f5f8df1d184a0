"""Which fields a query selects below a resolver's field, read from the document: a resolver
fetches only the columns its answer needs (api/rankings/queries.py's ranking page).

The answer is a superset: fragments and inline fragments are followed whatever their type
condition, and @skip/@include are ignored, so a field that may be selected counts as selected.
Documents come from the parser's cache, so the answer is kept per field node.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)
from strawberry.types import Info

KEPT_MAX = 4096
# (path, ids of the field nodes) -> (the nodes, kept alive so their ids stay unique; names)
_kept: dict[tuple[object, ...], tuple[object, frozenset[str]]] = {}


def _fields(
    selections: Iterable[SelectionNode], fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    for selection in selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set.selections, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set.selections, fragments)


def selected_names(info: Info, path: tuple[str, ...]) -> frozenset[str]:
    """The names of the fields selected at `path` (field names, not aliases) below the
    resolver's field: ("edges", "node", "backlogItem") of a ranking gives the item's fields."""
    raw = info._raw_info
    nodes = tuple(raw.field_nodes)
    key = (path, *map(id, nodes), id(raw.operation))
    kept = _kept.get(key)
    if kept is not None:
        return kept[1]
    level: list[FieldNode] = list(nodes)
    for name in path:
        level = [
            f
            for node in level
            if node.selection_set is not None
            for f in _fields(node.selection_set.selections, raw.fragments)
            if f.name.value == name
        ]
    names = frozenset(
        f.name.value
        for node in level
        if node.selection_set is not None
        for f in _fields(node.selection_set.selections, raw.fragments)
    )
    if len(_kept) >= KEPT_MAX:
        _kept.clear()
    _kept[key] = ((nodes, raw.operation, raw.fragments), names)
    return names
