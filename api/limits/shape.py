"""The shape of a document, checked in linear time before graphql-core's rules run.

strawberry's QueryDepthLimiter and MaxAliasesLimiter walk the document by expanding every
fragment spread where it occurs, so `fragment F1 { ...F0 ...F0 } … fragment F19 { ...F18 ...F18 }`
costs 2^19 visits (seconds at 20 fragments, minutes at 30, with the event loop blocked). Here a
fragment's depth and alias count are computed once and remembered: depth of a spread = the
fragment's depth; aliases of a spread = the fragment's alias count, so repeated spreads still
multiply the count exactly as the expanded document would, without expanding it. The same
goes for the number of fields selected once fragments are expanded (MAX_FIELDS). Breadth
bounds (MAX_SAME_KEY, MAX_SPREADS, MAX_FRAGMENTS) keep graphql-core's own rules cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_DEPTH = 12
MAX_ALIASES = 30
# Fields selected with every fragment spread expanded where it stands (the document a naive
# walker would see): no written-out document under the token limit selects more.
MAX_FIELDS = 5000
# graphql-core's OverlappingFieldsCanBeMergedRule compares fields sharing a response name, and
# fragments spread side by side, pairwise: 5,000 tokens of `viewer { subject }` repeated, or of
# distinct fragments spread in one selection set, take it 1-2 s. These bounds keep it small.
MAX_SAME_KEY = 10  # selections of one response name in a selection set (inline fragments flat)
MAX_SPREADS = 20  # fragment spreads in a selection set (inline fragments flat)
MAX_FRAGMENTS = 100  # fragment definitions in a document


class FragmentMemo:
    """One value per fragment, computed on first use. A fragment met again while it is being
    computed (a cycle, refused by graphql-core's NoFragmentCyclesRule) or an unknown one
    counts as `empty`."""

    def __init__(
        self,
        document: DocumentNode,
        compute: Callable[[FragmentDefinitionNode], Any],
        empty: Any,
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.compute, self.empty = compute, empty
        self.values: dict[str, Any] = {}
        self.in_progress: set[str] = set()

    def __call__(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return self.empty
        self.in_progress.add(name)
        value = self.compute(fragment)
        self.in_progress.discard(name)
        self.values[name] = value
        return value


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def depths(document: DocumentNode) -> dict[str, int]:
    """Each operation's depth, counted as strawberry's QueryDepthLimiter does: a field with a
    selection set is 1 + the deepest of its selections, a leaf 0, introspection fields 0."""

    def depth(selection_set: SelectionSetNode) -> int:
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is None or selection.name.value.startswith("__"):
                    continue
                d = 1 + depth(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                d = depth(selection.selection_set)
            else:
                d = fragment(selection.name.value)
            deepest = max(deepest, d)
        return deepest

    fragment = FragmentMemo(document, lambda f: depth(f.selection_set), 0)
    return {
        (op.name.value if op.name else "anonymous"): depth(op.selection_set)
        for op in operations(document)
    }


def expanded_counts(document: DocumentNode) -> tuple[int, int]:
    """(fields, aliased fields) in all operations, as if every fragment spread were expanded."""

    def counts(selection_set: SelectionSetNode) -> tuple[int, int]:
        fields = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                f, a = fragment(selection.name.value)
                fields, aliases = fields + f, aliases + a
                continue
            if isinstance(selection, FieldNode):
                fields += 1
                aliases += selection.alias is not None
            if selection.selection_set is not None:
                f, a = counts(selection.selection_set)
                fields, aliases = fields + f, aliases + a
        return fields, aliases

    fragment = FragmentMemo(document, lambda f: counts(f.selection_set), (0, 0))
    totals = [counts(op.selection_set) for op in operations(document)]
    return sum(f for f, _ in totals), sum(a for _, a in totals)


def alias_count(document: DocumentNode) -> int:
    return expanded_counts(document)[1]


def _too_broad(code: str, message: str, limit: int) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, "limit": limit})


def breadth_errors(document: DocumentNode) -> list[GraphQLError]:
    """The bounds above, checked with one pass over the document's selection sets (an explicit
    stack: no recursion, whatever the nesting)."""
    fragments = sum(isinstance(d, FragmentDefinitionNode) for d in document.definitions)
    if fragments > MAX_FRAGMENTS:
        return [
            _too_broad(
                "TOO_MANY_FRAGMENTS",
                f"{fragments} fragments defined. Allowed: {MAX_FRAGMENTS}",
                MAX_FRAGMENTS,
            )
        ]
    stack: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while stack:
        keys: dict[str, int] = {}
        spreads = 0
        flat = list(stack.pop().selections)
        while flat:
            selection = flat.pop()
            if isinstance(selection, InlineFragmentNode):
                flat.extend(selection.selection_set.selections)
            elif isinstance(selection, FragmentSpreadNode):
                spreads += 1
            elif isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                keys[key] = keys.get(key, 0) + 1
                if selection.selection_set is not None:
                    stack.append(selection.selection_set)
        if spreads > MAX_SPREADS:
            return [
                _too_broad(
                    "TOO_MANY_SPREADS",
                    f"{spreads} fragment spreads in one selection set. Allowed: {MAX_SPREADS}",
                    MAX_SPREADS,
                )
            ]
        key, count = max(keys.items(), key=lambda kv: kv[1], default=("", 0))
        if count > MAX_SAME_KEY:
            return [
                _too_broad(
                    "FIELD_REPEATED",
                    f"'{key}' selected {count} times in one selection set. Allowed: {MAX_SAME_KEY}",
                    MAX_SAME_KEY,
                )
            ]
    return []


def shape_errors(document: DocumentNode) -> list[GraphQLError]:
    """Breadth first (it bounds the fragment count the walks below recurse through), then
    operations deeper than MAX_DEPTH, more than MAX_FIELDS expanded fields and more than
    MAX_ALIASES aliases (depth and alias messages as strawberry's limiters worded them).
    Linear in the document's size."""
    errors = breadth_errors(document)
    if errors:
        return errors
    for name, depth in depths(document).items():
        if depth > MAX_DEPTH:
            errors.append(
                GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}",
                    extensions={"code": "QUERY_TOO_DEEP", "limit": MAX_DEPTH},
                )
            )
    fields, aliases = expanded_counts(document)
    if fields > MAX_FIELDS:
        errors.append(
            GraphQLError(
                f"{fields} fields selected once fragments are expanded. Allowed: {MAX_FIELDS}",
                extensions={"code": "TOO_MANY_FIELDS", "limit": MAX_FIELDS},
            )
        )
    if aliases > MAX_ALIASES:
        errors.append(
            GraphQLError(
                f"{aliases} aliases found. Allowed: {MAX_ALIASES}",
                extensions={"code": "TOO_MANY_ALIASES", "limit": MAX_ALIASES},
            )
        )
    return errors
