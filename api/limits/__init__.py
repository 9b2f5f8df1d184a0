"""What a request may ask for: depth and alias limits, a query cost limit, introspection and
GraphiQL switches, trusted documents. api.schema wires these in; settings come from
api.limits.settings."""

from __future__ import annotations

from collections.abc import Callable

from graphql import ASTValidationRule
from strawberry.extensions import SchemaExtension

from okrank.api.limits.cost import QueryCost
from okrank.api.limits.introspection import NoIntrospectionRule
from okrank.api.limits.settings import SETTINGS, QuerySettings
from okrank.api.limits.trusted_documents import TrustedDocuments, load_manifest
from okrank.api.limits.validation import GuardedValidationCache

VALIDATION_CACHE_SIZE = 1024  # documents whose validation result is remembered


def validation_rules(settings: QuerySettings = SETTINGS) -> list[type[ASTValidationRule]]:
    """Rules added to graphql-core's; the shape limits run before them (api.limits.validation)."""
    return [] if settings.introspection else [NoIntrospectionRule]


def extensions(settings: QuerySettings = SETTINGS) -> list[Callable[[], SchemaExtension]]:
    """Extension factories, in this order: TrustedDocuments overrides the validation result
    for a refused document."""
    factories: list[Callable[[], SchemaExtension]] = [
        lambda: GuardedValidationCache(maxsize=VALIDATION_CACHE_SIZE),
        lambda: QueryCost(settings.cost_limit),
    ]
    if settings.trusted_documents:
        documents = load_manifest(settings.trusted_documents)
        factories.append(lambda: TrustedDocuments(documents))
    return factories
