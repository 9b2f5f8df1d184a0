"""Sharing a live change's rendering, in process (strawberry over graphql-core, no server): one
value per shared row, one execution per (operation, variables, workspace, roles), and the
per-subscriber path for anything else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import strawberry
from strawberry.extensions import ParserCache
from strawberry.types import Info

from okrank.api.auth import Principal, Role
from okrank.api.subscriptions.shared_render import SharedRenderExecutionContext
from okrank.api.subscriptions.shared_row import SharedRow, shared_value

BUILT: list[Any] = []


@strawberry.type
class Change:
    n: int
    label: str

    @classmethod
    def from_row(cls, row: Any) -> Change:
        BUILT.append(row)
        return cls(n=row["n"], label=row["label"])


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def changes(self, info: Info, times: int = 1) -> AsyncGenerator[Change, None]:
        for row in info.context.rows:
            yield shared_value(row, Change.from_row)


schema = strawberry.Schema(
    Query,
    subscription=Subscription,
    execution_context_class=SharedRenderExecutionContext,
    extensions=[lambda: ParserCache(maxsize=16)],
)
NUMBERS = "subscription { changes { n } }"
LABELS = "subscription { changes { label } }"


@dataclass
class Ctx:
    rows: list[Any]
    roles: frozenset[Role] = frozenset({Role.MEMBER})
    principal: Principal = field(init=False)

    def __post_init__(self) -> None:
        self.principal = Principal("ws", "someone", self.roles, int(time.time()) + 60)


def results(query: str, ctx: Ctx, variables: dict[str, Any] | None = None) -> list[Any]:
    async def run() -> list[Any]:
        stream = await schema.subscribe(query, variable_values=variables, context_value=ctx)
        return [r async for r in stream]

    return asyncio.run(run())


def test_subscribers_of_one_selection_share_one_value_and_one_rendering():
    rows = [SharedRow({"n": 1, "label": "a"}), SharedRow({"n": 2, "label": "b"})]
    BUILT.clear()
    first, second = results(NUMBERS, Ctx(rows)), results(NUMBERS, Ctx(rows))
    assert [r.data for r in first] == [{"changes": {"n": 1}}, {"changes": {"n": 2}}]
    assert all(a.data is b.data for a, b in zip(first, second, strict=True))
    assert len(BUILT) == 2  # each row's value built once for both subscribers


def test_another_selection_variables_or_roles_render_apart():
    rows = [SharedRow({"n": 1, "label": "a"})]
    numbers = results(NUMBERS, Ctx(rows))[0]
    labels = results(LABELS, Ctx(rows))[0]
    admin = results(NUMBERS, Ctx(rows, frozenset({Role.ADMIN})))[0]
    with_variable = results(
        "subscription($t: Int) { changes(times: $t) { n } }", Ctx(rows), {"t": 2}
    )[0]
    assert labels.data == {"changes": {"label": "a"}} and labels.data is not numbers.data
    assert admin.data == numbers.data and admin.data is not numbers.data
    other_variable = results(
        "subscription($t: Int) { changes(times: $t) { n } }", Ctx(rows), {"t": 3}
    )[0]
    assert other_variable.data == with_variable.data
    assert other_variable.data is not with_variable.data


def test_a_row_replayed_for_one_subscriber_renders_for_it_alone():
    rows = [{"n": 1, "label": "a"}]  # a replay's rows are not shared
    BUILT.clear()
    first, second = results(NUMBERS, Ctx(rows))[0], results(NUMBERS, Ctx(rows))[0]
    assert first.data == second.data == {"changes": {"n": 1}}
    assert first.data is not second.data and len(BUILT) == 2
