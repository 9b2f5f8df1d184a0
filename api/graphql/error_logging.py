"""Which GraphQL errors are logged, and how: a client's mistake is not a server fault.

A request error (syntax, validation, a variable of the wrong type: the GraphQL specification's
"request errors", which carry no field path) and an error okrank raises on purpose (a
GraphQLError: bad input, not found, unauthenticated) are the client's: one short DEBUG line.
Only an unexpected exception inside a resolver is a fault: ERROR with its traceback. Logging
every client error with a traceback (strawberry's default) let each bad request write ~1.4 KB
of log, so a fuzzing client could fill a disk.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from okrank.api.graphql.extension_hooks import KnownHooksRunner
from okrank.api.subscriptions.direct import EXTENSIONS_RUNNER

log = logging.getLogger("okrank.graphql")


def is_fault(error: GraphQLError) -> bool:
    original = error.original_error
    return (
        original is not None and not isinstance(original, GraphQLError) and error.path is not None
    )


class QuietClientErrorsSchema(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        runner = KnownHooksRunner(execution_context, extensions)
        # Remembered in the operation's task: a WebSocket subscriber's frames written directly
        # (api.subscriptions.direct) carry the same `extensions` strawberry would add.
        EXTENSIONS_RUNNER.set(runner)
        return runner

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_fault(error):
                log.error("%s at %s", error.message, error.path, exc_info=error.original_error)
            elif log.isEnabledFor(logging.DEBUG):
                log.debug("client error: %.200s", error.message)
