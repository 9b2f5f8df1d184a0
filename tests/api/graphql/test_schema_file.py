"""schema.graphql is the frontend teams' documentation: it must match the code, fully described."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from okrank.api.graphql.schema import schema
from tests.support.paths import ROOT


def test_schema_file_matches_the_code():
    on_disk = (ROOT / "schema.graphql").read_text()
    assert on_disk == schema.as_str() + "\n", (
        "schema.graphql drifted: regenerate with `python -m okrank.api.graphql.export_schema`"
    )


def test_every_type_and_field_has_a_description():
    missing = []
    for name, t in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not t.description:
            missing.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in t.fields.items() if not field.description]
        if isinstance(t, GraphQLEnumType):
            continue
    assert missing == []
