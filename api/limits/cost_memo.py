"""Query costs remembered per document: a client sends the same few documents again and again,
and their cost depends only on the document, the operation and the `first` variables.

Keyed by the document's identity (the parser cache hands out the same document for the same
text; graphql-core's AST nodes hash by walking the whole tree) and by what the cost reads of the
variables: for each variable that some `first` argument names, its integer value, or whether it
is absent or not an integer (cost._page treats those as the defaults). Each entry keeps its
document alive, so the id is not reused while the entry stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLSchema, SelectionSetNode, VariableNode

_ABSENT, _NOT_AN_INT = object(), object()


def first_variables(document: DocumentNode) -> tuple[str, ...]:
    """Names of the variables given to a `first` argument anywhere in the document."""
    names: set[str] = set()
    pending: list[SelectionSetNode] = [
        d.selection_set for d in document.definitions if getattr(d, "selection_set", None)
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    if argument.name.value == "first" and isinstance(argument.value, VariableNode):
                        names.add(argument.value.name.value)
            inner = getattr(selection, "selection_set", None)
            if inner is not None:
                pending.append(inner)
    return tuple(sorted(names))


def _variable_key(variables: dict[str, Any], name: str) -> Any:
    if name not in variables:
        return _ABSENT
    value = variables[name]
    return value if isinstance(value, int) and not isinstance(value, bool) else _NOT_AN_INT


class CostMemo:
    """`compute(schema, document, operation_name, variables)`, remembered; oldest first out."""

    def __init__(self, compute: Callable[..., int], maxsize: int) -> None:
        self.compute, self.maxsize = compute, maxsize
        self._names: dict[int, tuple[DocumentNode, tuple[str, ...]]] = {}
        self._costs: dict[tuple[Any, ...], tuple[GraphQLSchema, DocumentNode, int]] = {}

    def __call__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> int:
        if not isinstance(operation_name, str | None) or not isinstance(variables, dict | None):
            return self.compute(schema, document, operation_name, variables)  # not keyable
        known = self._names.get(id(document))
        if known is None or known[0] is not document:
            known = (document, first_variables(document))
            self._remember(self._names, id(document), known)
        values = variables or {}
        key = (
            id(schema),
            id(document),
            operation_name,
            *(_variable_key(values, name) for name in known[1]),
        )
        entry = self._costs.get(key)
        if entry is not None and entry[0] is schema and entry[1] is document:
            return entry[2]
        cost = self.compute(schema, document, operation_name, variables)
        self._remember(self._costs, key, (schema, document, cost))
        return cost

    def _remember(self, entries: dict[Any, Any], key: Any, value: Any) -> None:
        if len(entries) >= self.maxsize:
            del entries[next(iter(entries))]
        entries[key] = value
