"""Extension hooks found once per class (api/graphql/extension_hooks.py) still run as strawberry
runs them: generator, async generator and plain hooks, each request, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import strawberry
from strawberry.extensions import SchemaExtension

from okrank.api.graphql import extension_hooks
from okrank.api.graphql.extension_hooks import KnownHooksRunner


class Recording(SchemaExtension):
    calls: list[str] = []

    def on_operation(self) -> Iterator[None]:
        self.calls.append("operation start")
        yield
        self.calls.append("operation end")

    async def on_execute(self) -> AsyncIterator[None]:
        self.calls.append("execute start")
        yield
        self.calls.append("execute end")

    def on_parse(self) -> None:  # a plain hook: strawberry wraps it itself
        self.calls.append("parse")


@strawberry.type
class Query:
    answer: int = 42


class KnownHooksSchema(strawberry.Schema):
    def create_extensions_runner(self, execution_context, extensions):  # type: ignore[no-untyped-def]
        return KnownHooksRunner(execution_context, extensions)


def test_every_kind_of_hook_runs_on_every_request_and_is_looked_up_once_per_class() -> None:
    schema = KnownHooksSchema(query=Query, extensions=[Recording])
    for _ in range(2):
        result = asyncio.run(schema.execute("{ answer }", root_value=Query()))
        assert result.errors is None and result.data == {"answer": 42}
    one_request = ["operation start", "parse", "execute start", "execute end", "operation end"]
    assert Recording.calls == one_request * 2
    found = {name for cls, name in extension_hooks._FOUND if cls is Recording}
    assert found == {"on_operation", "on_parse", "on_validate", "on_execute"}


def test_okranks_schema_runs_its_extensions_through_the_known_hooks_runner() -> None:
    from strawberry.types import ExecutionContext

    from okrank.api.graphql.schema import schema

    context = ExecutionContext(query="{ __typename }", schema=schema, allowed_operations=())
    assert isinstance(schema.create_extensions_runner(context, []), KnownHooksRunner)
