"""Each live change rendered once per distinct selection, for every subscriber who asked for it.

Why a custom path: graphql-core executes a subscription's selection set for every event of every
subscriber. With 1,000 subscribers of one query, each change was executed 1,000 times into the
same result, which was most of the fan-out's CPU. The live feed reads a row once and hands the
same SharedRow to all its subscribers; the resolvers build its GraphQL value once
(`shared_value`), and this execution context executes a selection set over that value once per
(operation, variables, workspace, roles): every subscriber with the same key receives the same
ExecutionResult, which strawberry then sends as usual (its errors, extensions and message
framing unchanged).

Anything unusual takes graphql-core's own per-subscriber path: a value not built by the live feed
(a replay from a cursor), variables that do not serialise, an execution that does not finish at
once (an awaited resolver), an operation parsed separately (the parser cache gives one document
per query text; another object is another key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from graphql import ExecutionResult, OperationDefinitionNode

from okrank.api.graphql.execution import PlainSelectionsExecutionContext
from okrank.api.subscriptions.direct import note_executor
from okrank.api.subscriptions.shared_row import RENDERS

RenderKey = tuple[int, str, str, frozenset[Any]]
Renders = dict[RenderKey, tuple[OperationDefinitionNode, ExecutionResult]]


class _RenderOnce:
    """Stands in for a per-event executor: the stored result when this key has one."""

    __slots__ = ("build", "key", "operation", "renders")

    def __init__(
        self,
        renders: Renders,
        key: RenderKey,
        operation: OperationDefinitionNode,
        build: Callable[[], Any],
    ) -> None:
        self.renders, self.key, self.operation, self.build = renders, key, operation, build

    def execute_operation(self, *args: Any) -> Any:
        found = self.renders.get(self.key)
        if found is not None and found[0] is self.operation:  # not an id reused by another
            return found[1]
        result = self.build().execute_operation(*args)
        if isinstance(result, ExecutionResult):  # done at once: the next subscriber reuses it
            self.renders[self.key] = (self.operation, result)
        return result


class SharedRenderExecutionContext(PlainSelectionsExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note_executor(self)  # a subscription's: api.subscriptions.direct renders with it

    def build_per_event_executor(self, payload: Any) -> Any:
        build = super().build_per_event_executor
        renders: Renders | None = getattr(payload, RENDERS, None)
        key = None if renders is None else self.render_key()
        if renders is None or key is None:
            return build(payload)
        return _RenderOnce(renders, key, self.operation, lambda: build(payload))

    def render_key(self) -> RenderKey | None:
        """What a rendering may depend on besides the value: the operation, its variables, and
        who asks (a field may show by role); None: do not share."""
        principal = getattr(self.context_value, "principal", None)
        if principal is None:
            return None
        try:
            # As str: orjson's bytes keep their whole write buffer (~4 KB), and each live
            # subscriber holds its key for as long as it stays.
            variables = orjson.dumps(
                self.variable_values.coerced, option=orjson.OPT_SORT_KEYS
            ).decode()
        except TypeError:
            return None
        return (id(self.operation), variables, principal.workspace, principal.roles)
