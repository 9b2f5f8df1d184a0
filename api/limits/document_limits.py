"""The token limit on a document and okrank's validation rules, set in one extension hook.

strawberry's MaxTokensLimiter and AddValidationRules each only set a field of the execution
context in their own `on_operation` hook; every hook costs a context manager per request, so
this extension does both in one: the same parse options and rules as the two did.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ASTValidationRule
from strawberry.extensions import SchemaExtension


class DocumentLimits(SchemaExtension):
    def __init__(self, max_token_count: int, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.max_token_count, self.rules = max_token_count, rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = context.validation_rules + self.rules
        context.parse_options["max_tokens"] = self.max_token_count
        yield
