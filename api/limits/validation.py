"""Validation, cached per document, with the linear shape checks (api.limits.shape) first:
a document they refuse never reaches graphql-core's rules, some of which are quadratic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from okrank.api.limits.shape import shape_errors


def guarded_validate(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
) -> list[GraphQLError]:
    return shape_errors(document) or validate_document(schema, document, rules)


@cache
def _cached(maxsize: int) -> Callable[..., Any]:
    """One LRU cache per size, shared by the per-request extension instances."""
    return lru_cache(maxsize=maxsize)(guarded_validate)


class GuardedValidationCache(SchemaExtension):
    """strawberry's ValidationCache (keyed by schema, parsed document and rules; the parser
    cache hands out the same document for the same text) over guarded_validate."""

    def __init__(self, maxsize: int) -> None:
        self.validate = _cached(maxsize)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self.validate(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield
