"""A shorter way through plain selections for graphql-core's executor.

graphql-core completes a response field by field: for each one it builds a path, a resolve-info
object, calls the resolver, checks for awaitables and coerces the value. For a 50-entry ranking
page (≈500 fields) that walk costs more than the database read and the HTTP exchange together.

Most of a response, though, is *plain*: fields with no resolver of their own (strawberry's
"basic" fields read an attribute), no arguments and no directives, whose values are leaves, lists
or objects made of plain fields. For such a selection set this execution context builds a small
completion plan once per request and runs it as a tight loop over the source objects.

The plan is only a shortcut for the ordinary case. Reading attributes and coercing leaves has no
side effects, so whenever anything is unusual (a null where the schema forbids one, a value that
does not coerce, an object that fails its type check, an error value) the plan gives up and the
object is executed again by graphql-core's own code, which reports the error exactly as before.
Resolvers, arguments, directives (@skip/@include are already applied by field collection),
deferred fragments, abstract types and field middleware always take graphql-core's path.
"""

from __future__ import annotations

from collections.abc import Callable
from keyword import iskeyword
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

Complete = Callable[[Any], Any]
_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


class _Unusual(Exception):
    """Raised inside a plan: let graphql-core complete this object (and report the error)."""


_UNUSUAL = _Unusual()


def _coerce_fast(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """The type's own output coercion, with the common case answered first: a str for String
    or ID, a bool for Boolean, a 32-bit int for Int, a finite float for Float, a member of a
    strawberry enum. Anything else goes to the type's coerce_output_value."""
    coerce = leaf_type.coerce_output_value
    exact: type | None = None
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        exact = str
    elif leaf_type is GraphQLBoolean:
        exact = bool
    if exact is not None:
        return lambda value: value if type(value) is exact else coerce(value)
    if leaf_type is GraphQLInt:
        return lambda value: (
            value if type(value) is int and -(2**31) <= value < 2**31 else coerce(value)
        )
    if leaf_type is GraphQLFloat:
        return lambda value: value if type(value) is float and isfinite(value) else coerce(value)
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if isinstance(leaf_type, GraphQLEnumType) and wrapped is not None:
        names = {v.value: name for name, v in leaf_type.values.items()}

        def member_name(value: Any) -> Any:
            if isinstance(value, wrapped):
                name = names.get(value.value)
                if name is not None:
                    return name
            return coerce(value)

        return member_name
    return coerce


def _leaf(leaf_type: GraphQLLeafType, non_null: bool) -> Complete:
    """_present's null handling, inlined: leaves are most of a response, a call less each."""
    coerce = _coerce_fast(leaf_type)

    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if non_null:
                raise _UNUSUAL
            return None
        if isinstance(value, Exception):
            raise _UNUSUAL
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _UNUSUAL
        return coerced

    complete.answers_itself = _answers_itself(leaf_type)  # type: ignore[attr-defined]
    return complete


def _answers_itself(leaf_type: GraphQLLeafType) -> str | None:
    """A test, as Python source over `v`, true of the values the leaf's completion returns
    unchanged (the common case _coerce_fast answers first), or None."""
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return "type(v) is str"
    if leaf_type is GraphQLBoolean:
        return "type(v) is bool"
    if leaf_type is GraphQLInt:
        return "type(v) is int and -2147483648 <= v < 2147483648"
    if leaf_type is GraphQLFloat:
        return "type(v) is float and isfinite(v)"
    return None


def _present(complete: Complete, non_null: bool) -> Complete:
    """Null handling for a list or object value: null where the schema allows it, unusual where
    it does not (and for an error value); `complete` sees only present values."""

    def complete_value(value: Any) -> Any:
        if value is None or value is Undefined:
            if non_null:
                raise _UNUSUAL
            return None
        if isinstance(value, Exception):
            raise _UNUSUAL
        return complete(value)

    return complete_value


def _list(item: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _UNUSUAL  # generators, async iterables: graphql-core's path
        return [item(v) for v in value]

    return complete


def _object(fields: tuple[tuple[str, str | None, Any], ...], is_type_of: Any) -> Complete:
    """Complete an object from (response key, attribute or None for a constant, completer or
    constant) entries, in the selection's order: one function made for the plan, a dict
    display of its fields (no loop, no getattr call, a leaf's common case tested inline and
    its completer called only otherwise), evaluated in the selection's order as before."""
    names: dict[str, Any] = {"_UNUSUAL": _UNUSUAL, "is_type_of": is_type_of, "isfinite": isfinite}
    entries = []
    for n, (key, attribute, complete_value) in enumerate(fields):
        names[f"c{n}"] = complete_value
        if attribute is None:
            entries.append(f"{key!r}: c{n}")  # __typename
            continue
        read = (
            f"s.{attribute}"
            if attribute.isidentifier() and not iskeyword(attribute)
            else (f"getattr(s, {attribute!r})")
        )
        test = getattr(complete_value, "answers_itself", None)
        if test is None:
            entries.append(f"{key!r}: c{n}({read})")
        else:
            entries.append(
                f"{key!r}: v if ({test.replace('type(v)', f'type(v := {read})', 1)}) else c{n}(v)"
            )
    check = "    if not is_type_of(s, None):\n        raise _UNUSUAL\n" if is_type_of else ""
    source = f"def complete(s):\n{check}    return {{{', '.join(entries)}}}\n"
    exec(source, names)  # the source is made here, from schema names and our completers only
    return names["complete"]


class PlainSelectionsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing plain selection sets in one pass."""

    # Plans shared across requests, for documents without directives (the parser cache hands
    # every request the same document, so its nodes' ids name the same selections). Keyed by
    # node ids; each entry keeps its operation alive so those ids cannot be reused meanwhile.
    # With a directive anywhere, @skip/@include may select differently per request: such a
    # document's plans live for one request only.
    SHARED_PLANS_MAX = 4096
    _shared: dict[tuple[Any, ...], tuple[Any, Complete | None]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(grouped field set) -> (the set, kept alive so the id stays unique; plan or None)
        self._plans: dict[int, tuple[GroupedFieldSet, Complete | None]] = {}
        loc = self.operation.loc
        self._shareable = loc is not None and "@" not in loc.source.body

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        middleware = self.middleware_manager
        if position_context is None and (middleware is None or not middleware.middlewares):
            cached = self._plans.get(id(grouped_field_set))
            if cached is None:
                plan = self._shared_plan(parent_type, grouped_field_set)
                self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
            else:
                plan = cached[1]
            if plan is not None:
                try:
                    return plan(source_value)
                except Exception:
                    pass  # an unusual value: graphql-core's path below reports it
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def _shared_plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Complete | None:
        if not self._shareable:
            return self._object_plan(parent_type, grouped_field_set)
        key = (
            id(self.operation),
            parent_type.name,
            *((k, *(id(d.node) for d in details)) for k, details in grouped_field_set.items()),
        )
        shared = self._shared.get(key)
        if shared is not None:
            return shared[1]
        plan = self._object_plan(parent_type, grouped_field_set)
        if len(self._shared) >= self.SHARED_PLANS_MAX:
            self._shared.clear()
        self._shared[key] = (self.operation, plan)
        return plan

    def _object_plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> Complete | None:
        fields: list[tuple[str, str | None, Any]] = []
        for response_key, details in grouped_field_set.items():
            node = details[0].node
            if any(
                d.node.directives or d.defer_usage or d.fragment_variable_values for d in details
            ):
                return None
            if node.name.value == "__typename":
                fields.append((response_key, None, parent_type.name))
                continue
            field_def = self.schema.get_field(parent_type, node.name.value)
            if field_def is None or field_def.args or node.arguments:
                return None
            definition = (field_def.extensions or {}).get(_BACKREF)
            resolve = field_def.resolve
            if (
                definition is None
                or not definition.is_basic_field
                or definition.default_resolver is not getattr
                or resolve is None
                or getattr(resolve, "__name__", "") != "_get_basic_result"
            ):
                return None
            complete = self._value_plan(field_def.type, details)
            if complete is None:
                return None
            fields.append((response_key, definition.python_name, complete))
        return _object(tuple(fields), parent_type.is_type_of)

    def _value_plan(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Complete | None:
        non_null = isinstance(type_, GraphQLNonNull)
        if non_null:
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            item = self._value_plan(type_.of_type, details)
            return _present(_list(item), non_null) if item is not None else None
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_, non_null)
        if isinstance(type_, GraphQLObjectType):
            grouped, new_defer_usages, forbidden = self.collect_subfields(type_, details)
            if new_defer_usages or forbidden:
                return None
            complete_object = self._object_plan(type_, grouped)
            if complete_object is None:
                return None
            return _present(complete_object, non_null)
        return None  # interfaces and unions: graphql-core resolves the runtime type
