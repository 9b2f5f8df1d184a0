"""Introspection switched off (OKRANK_INTROSPECTION=0): `__schema` and `__type` are refused.
`__typename` stays: clients need it to tell union members apart."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, ValidationRule


class NoIntrospectionRule(ValidationRule):
    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    "Introspection is disabled on this server.",
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )
