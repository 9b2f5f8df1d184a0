"""The role table is the one place that says who may do what, and the README prints it."""

from __future__ import annotations

import re

import pytest

from okrank.api.auth import Principal, Role
from okrank.api.auth.permissions import CAPABILITIES, MUTATIONS, allows, markdown_table, permission
from okrank.api.graphql.schema import schema
from tests.support.paths import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- roles:begin -->\n(.*?)<!-- roles:end -->", re.S)


def test_every_mutation_of_the_schema_has_a_line_in_the_role_table_and_nothing_else_does():
    mutations = set(schema._schema.mutation_type.fields)
    assert set(MUTATIONS) == mutations


def test_an_unlisted_action_is_refused_rather_than_allowed():
    with pytest.raises(KeyError):
        permission("dropEverything")


def test_roles_follow_the_table():
    def principal(*roles: Role) -> Principal:
        return Principal("w", "s", frozenset(roles), 0)

    assert allows(principal(Role.PRODUCT_OWNER), "createObjective")
    assert not allows(principal(Role.MEMBER), "createObjective")
    assert allows(principal(Role.STAKEHOLDER), "submitBallot")
    assert not allows(principal(Role.PRODUCT_OWNER), "recalibrateAlignmentMultipliers")
    assert all(allows(principal(Role.ADMIN), a) for a in [*MUTATIONS, *CAPABILITIES])


def test_the_markdown_table_has_a_row_per_action_and_a_column_per_role():
    lines = markdown_table().splitlines()
    assert lines[0] == "| Action | ADMIN | PRODUCT_OWNER | MEMBER | STAKEHOLDER | AUDITOR |"
    assert len(lines) == 2 + len(MUTATIONS) + len(CAPABILITIES)
    assert "| `submitBallot` | ✓ | ✓ | ✓ | ✓ |  |" in lines  # an auditor never votes


def test_the_readme_prints_exactly_the_role_table():
    block = BLOCK.search(README.read_text())
    assert block is not None, "README.md has no <!-- roles:begin --> block"
    assert block.group(1) == markdown_table()
