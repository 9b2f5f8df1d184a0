"""The plain-selections execution context answers exactly what graphql-core's own executor
answers (data, errors, their paths and locations), and takes its shortcut only where it may."""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from okrank.api.graphql.execution import PlainSelectionsExecutionContext


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    id: strawberry.ID
    name: str


@strawberry.type
class Part(Named):
    weight: float | None
    count: int
    colour: Colour
    ok: bool


@strawberry.type
class Edge:
    cursor: str
    node: Part
    maybe: Part | None
    tags: list[str]
    optional_tags: list[str | None] | None

    @strawberry.field
    def loud(self) -> str:
        return self.node.name.upper()

    @strawberry.field
    async def later(self) -> int:
        return self.node.count + 1


@strawberry.type
class Page:
    edges: list[Edge]
    total: int

    @strawberry.field
    def first_name(self, upper: bool = False) -> str:
        name = self.edges[0].node.name
        return name.upper() if upper else name


def part(n: int, **changes: Any) -> Part:
    values: dict[str, Any] = {
        "id": strawberry.ID(f"P{n}"),
        "name": f"part {n}",
        "weight": n / 3 if n % 2 else None,
        "count": n,
        "colour": Colour.RED if n % 2 else Colour.BLUE,
        "ok": n % 3 == 0,
    }
    values.update(changes)
    return Part(**values)


def edge(n: int, **changes: Any) -> Edge:
    values: dict[str, Any] = {
        "cursor": f"c{n}",
        "node": part(n),
        "maybe": part(n + 100) if n % 2 else None,
        "tags": [f"t{n}", f"u{n}"],
        "optional_tags": None if n % 3 == 0 else ["a", None],
    }
    values.update(changes)
    return Edge(**values)


PAGES: dict[str, Page] = {}


@strawberry.type
class Query:
    @strawberry.field
    async def page(self, which: str = "good") -> Page:
        if which == "generator":  # consumed by a run: a fresh one each time
            return Page(edges=(edge(n) for n in range(3)), total=3)  # type: ignore[arg-type]
        return PAGES[which]

    @strawberry.field
    def named(self) -> Named:
        return part(7)


PAGES["good"] = Page(edges=[edge(n) for n in range(12)], total=12)
# A null where the schema forbids one, deep inside a list: the error nulls the nearest nullable
# parent (the whole non-null list, so `page` itself) and names the path of the offending field.
PAGES["null_leaf"] = Page(edges=[edge(0), edge(1, node=part(1, name=None))], total=2)
# Int out of 32-bit range, a NaN float, a wrong enum value, a non-iterable list.
PAGES["big_int"] = Page(edges=[edge(0, node=part(0, count=2**40))], total=1)
PAGES["nan"] = Page(edges=[edge(1, node=part(1, weight=float("nan")))], total=1)
PAGES["bad_enum"] = Page(edges=[edge(0, node=part(0, colour="green"))], total=1)
PAGES["not_a_list"] = Page(edges=[edge(0, tags=7)], total=1)
# A value of the wrong object type (fails the interface type's is_type_of check).
PAGES["wrong_type"] = Page(edges=[edge(0, node=object())], total=1)
PAGES["int_as_float"] = Page(edges=[edge(0, node=part(0, weight=3))], total=1)


class CountingContext(PlainSelectionsExecutionContext):
    """Counts fields that went through graphql-core's field-by-field execution."""

    executed: list[str] = []

    def execute_field(self, parent_type, source, field_details_list, path, position_context):  # type: ignore[no-untyped-def]
        CountingContext.executed.append(
            f"{parent_type.name}.{field_details_list[0].node.name.value}"
        )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


stock = strawberry.Schema(
    query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
)
plain = strawberry.Schema(query=Query, execution_context_class=CountingContext)

ALL_PLAIN = """{ page { total edges { cursor tags optionalTags
  node { __typename id name weight count colour ok }
  maybe { id name colour } } } }"""

QUERIES = {
    "all plain": ALL_PLAIN,
    "aliases and fragments": """{ page { edges {
      c: cursor ...E node { ...P } n2: node { name } } } }
      fragment E on Edge { tags maybe { ...P } }
      fragment P on Part { id nm: name colour }""",
    "resolvers mixed in": "{ page { total firstName edges { loud later node { name } } } }",
    "arguments": "{ page { firstName(upper: true) edges { cursor } } }",
    "skip and include": """query($yes: Boolean!) { page { edges {
      cursor @skip(if: $yes) tags @include(if: $yes) node { name @include(if: false) id } } } }""",
    "interface": "{ named { id name ... on Part { count colour } } }",
    "null in a non-null leaf": '{ page(which: "null_leaf") { edges { node { id name } } } }',
    "int out of range": '{ page(which: "big_int") { edges { node { count } } } }',
    "nan float": '{ page(which: "nan") { edges { node { weight } } } }',
    "unknown enum value": '{ page(which: "bad_enum") { edges { node { colour } } } }',
    "list that is no list": '{ page(which: "not_a_list") { edges { cursor tags } } }',
    "wrong object type": '{ page(which: "wrong_type") { edges { node { id } } } }',
    "generator list": '{ page(which: "generator") { edges { cursor node { name } } } }',
    "int into float": '{ page(which: "int_as_float") { edges { node { weight } } } }',
}


def run(schema: strawberry.Schema, query: str) -> Any:
    result = asyncio.run(schema.execute(query, variable_values={"yes": True}))
    errors = [
        (e.message, e.path, [(loc.line, loc.column) for loc in e.locations or []])
        for e in result.errors or []
    ]
    return result.data, errors


@pytest.mark.parametrize("name", QUERIES)
def test_plain_selections_answer_exactly_as_graphql_core(name: str) -> None:
    assert run(plain, QUERIES[name]) == run(stock, QUERIES[name])


def test_errors_keep_their_paths_when_the_shortcut_gives_up() -> None:
    data, errors = run(plain, QUERIES["null in a non-null leaf"])
    assert data is None
    assert errors == [
        (
            "Cannot return null for non-nullable field Part.name.",
            ["page", "edges", 1, "node", "name"],
            [(1, 48)],
        )
    ]


def test_plain_fields_skip_field_by_field_execution() -> None:
    CountingContext.executed.clear()
    data, errors = run(plain, ALL_PLAIN)
    assert not errors and len(data["page"]["edges"]) == 12
    # Only the resolver field ran through graphql-core; 12 edges × 15 plain fields did not.
    assert CountingContext.executed == ["Query.page"]

    CountingContext.executed.clear()
    run(plain, QUERIES["resolvers mixed in"])
    # A selection with resolvers takes graphql-core's path for that object only: each edge's
    # `node` selection is still completed in one pass.
    assert "Part.name" not in CountingContext.executed
    assert CountingContext.executed.count("Edge.loud") == 12
