"""Validation, cached per document, with the linear shape checks (api.limits.shape) first:
a document they refuse never reaches graphql-core's rules, some of which are quadratic."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

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


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int
    currsize: int


class _ValidationMemo:
    """Validation results by the identity of schema and document, and the rules. graphql-core's
    AST nodes are frozen dataclasses whose hash walks the whole tree each time, so a cache keyed
    by the document's value paid a full walk per request; the parser cache hands out the same
    document for the same text, and an entry keeps its document alive, so its id is not reused
    while the entry stands. Oldest entries go first when full."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._entries: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def __call__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        key = (id(schema), id(document), rules)  # rule classes hash by identity: cheap
        entry = self._entries.get(key)
        if entry is not None and entry[0] is schema and entry[1] is document:
            self.hits += 1
            return entry[2]
        self.misses += 1
        errors = guarded_validate(schema, document, rules)
        if len(self._entries) >= self.maxsize:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (schema, document, errors)
        return errors

    def cache_info(self) -> CacheInfo:
        return CacheInfo(self.hits, self.misses, self.maxsize, len(self._entries))


@cache
def _cached(maxsize: int) -> _ValidationMemo:
    """One memo per size, shared by the per-request extension instances."""
    return _ValidationMemo(maxsize)


class GuardedValidationCache(SchemaExtension):
    """strawberry's ValidationCache (by schema, parsed document and rules; the parser cache
    hands out the same document for the same text) over guarded_validate."""

    def __init__(self, maxsize: int) -> None:
        self.validate = _cached(maxsize)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = self.validate(
            context.schema._schema, context.graphql_document, context.validation_rules
        )
        yield
