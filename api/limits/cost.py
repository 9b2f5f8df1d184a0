"""Query cost: how many objects an operation may return, computed before it runs.

Counted in the style of GitHub's node limit, over the operation that will run (fragments
computed once each, variables resolved):
- a paginated field (one with a `first` argument) returns up to `first` nodes (the argument's
  default when not given; at most MAX_PAGE, since a larger page is refused anyway), and every
  field below it runs once per node: a page of 100 inside a page of 100 costs 100 + 10,000;
- a list field that is not the page of a connection (`edges` of a type with `pageInfo`) counts
  as LIST_ESTIMATE objects per parent, multiplying what it holds likewise;
- other fields cost nothing of their own; introspection costs nothing; the least cost is 1.
Both branches of @skip/@include and every inline fragment are counted: an upper bound.

The cost of a selection set is linear in how many times its parent runs, so a fragment's cost
per instance is computed once and multiplied wherever it is spread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from okrank.api.graphql.pagination import MAX_PAGE
from okrank.api.limits.cost_memo import CostMemo
from okrank.api.limits.shape import FragmentMemo

LIST_ESTIMATE = 10
COST_MEMO_SIZE = 1024  # (document, operation, page sizes) whose cost is remembered


def _page(
    field: FieldNode, argument: Any, operation: OperationDefinitionNode, variables: dict[str, Any]
) -> int:
    """The page size a `first` argument asks for, as the resolver would see it."""
    default = argument.default_value if isinstance(argument.default_value, int) else MAX_PAGE
    value: Any = default
    node = next((a.value for a in field.arguments or () if a.name.value == "first"), None)
    if isinstance(node, IntValueNode):
        value = int(node.value)
    elif isinstance(node, VariableNode):
        name = node.name.value
        if name in variables:
            value = variables[name]
        else:
            definition = next(
                (d for d in operation.variable_definitions or () if d.variable.name.value == name),
                None,
            )
            if definition is not None and isinstance(definition.default_value, IntValueNode):
                value = int(definition.default_value.value)
    if not isinstance(value, int) or isinstance(value, bool):
        value = default
    return max(0, min(value, MAX_PAGE))


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: dict[str, Any] | None = None,
) -> int:
    """The cost of the operation `operation_name` would run (see the module docstring)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 1
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 1
    values = variables or {}

    def unit(parent: GraphQLNamedType, selection_set: SelectionSetNode) -> int:
        """Cost of one instance of `parent` with this selection set."""
        total = 0
        fields = getattr(parent, "fields", None) or {}
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                total += unit(target or parent, selection.selection_set)
                continue
            if not isinstance(selection, FieldNode):
                total += fragment(selection.name.value)
                continue
            definition = fields.get(selection.name.value)
            if definition is None:  # introspection, __typename, or an invalid field
                continue
            inner = 0
            if selection.selection_set is not None:
                inner = unit(get_named_type(definition.type), selection.selection_set)
            argument = definition.args.get("first")
            if argument is not None:
                total += _page(selection, argument, operation, values) * (1 + inner)
            elif isinstance(get_nullable_type(definition.type), GraphQLList) and (
                "pageInfo" not in fields  # a connection's edges: its nodes, already counted
            ):
                total += LIST_ESTIMATE * (1 + inner)
            else:
                total += inner
        return total

    def fragment_unit(definition: FragmentDefinitionNode) -> int:
        target = schema.get_type(definition.type_condition.name.value) or root
        return unit(target, definition.selection_set)

    fragment = FragmentMemo(document, fragment_unit, 0)
    return max(1, unit(root, operation.selection_set))


remembered_cost = CostMemo(operation_cost, COST_MEMO_SIZE)


class QueryCost(SchemaExtension):
    """Refuses, before execution, an operation whose cost is over the limit; every answer
    carries `extensions.cost = {requested, limit}`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.requested: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        self.requested = remembered_cost(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables,
        )
        if self.requested > self.limit:
            raise GraphQLError(
                f"Query cost {self.requested} is over the limit of {self.limit}: ask for "
                "smaller pages (`first`) or nest fewer lists.",
                extensions={
                    "code": "QUERY_TOO_COSTLY",
                    "cost": self.requested,
                    "limit": self.limit,
                },
            )
        yield

    def get_results(self) -> dict[str, Any]:
        if self.requested is None:
            return {}
        return {"cost": {"requested": self.requested, "limit": self.limit}}
